"""REST: channels and their messages (send, history, edit, delete), reactions, typing, attachment files.

Discord's rules enforced here: the bot's permissions in the channel (403 50001 without View Channel, 403
50013 without what the action needs), 50006 for an empty message, 50035 for invalid fields, 50005 for
editing someone else's message, 50007 for a user whose DMs are closed.
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ..model import (
    Attachment,
    Channel,
    Message,
    next_seq,
    now_iso,
)
from ..rules import (
    ADD_REACTIONS,
    ATTACH_FILES,
    EPHEMERAL,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    LOADING,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    compute_pings,
)
from ..validate import (
    COMPONENTS_V2,
    SUPPRESS_EMBEDS,
    ApiError,
    invalid,
    validate_message,
)
from .router import FileUpload, Request, RouteSpec

ROUTES: tuple[RouteSpec, ...] = (
    ("GET", "/channels/{channel_id}", "_get_channel", True),
    ("GET", "/channels/{channel_id}/messages", "_get_messages", True),
    ("POST", "/channels/{channel_id}/messages", "_post_message", True),
    ("POST", "/channels/{channel_id}/typing", "_typing", True),
    ("GET", "/channels/{channel_id}/messages/{message_id}", "_get_message", True),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}", "_patch_message", True),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}", "_delete_message", True),
    ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "_add_reaction", True),
    (
        "DELETE",
        "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
        "_remove_reaction",
        True,
    ),
)


class MessageRoutes:
    """Messages the bot sends, reads, edits and deletes; also builds the bot's messages for interactions."""

    def _known_channel(self, req: Request, *, need: int = VIEW_CHANNEL) -> Channel:
        ch = self.channels.get(int(req.params["channel_id"]))
        if ch is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if ch.guild_id is not None:
            perms = self.bot_permissions(ch)
            if not perms & VIEW_CHANNEL:
                raise ApiError(403, 50001, "Missing Access")
            if perms & need != need:
                raise ApiError(403, 50013, "Missing Permissions")
        return ch

    def _known_message(self, req: Request, ch: Channel) -> Message:
        msg = self.messages.get(int(req.params["message_id"]))
        if msg is None or msg.deleted or msg.channel_id != ch.id or msg.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    async def _get_channel(self, req: Request) -> Any:
        return self._known_channel(req).payload()

    async def _typing(self, req: Request) -> Any:
        self._known_channel(req, need=VIEW_CHANNEL | SEND_MESSAGES)
        return None

    def _init_messages(self) -> None:
        #: Seconds during which a nonce sent with ``enforce_nonce`` returns the message it created
        #: (Discord: "a few minutes").
        self.nonce_window = 300.0
        #: Whether fetched messages (history, GET one) carry their nonce. Discord documents the nonce for
        #: the create response and MESSAGE_CREATE; set False to check a bot does not rely on it elsewhere.
        self.history_includes_nonce = True
        self._nonces: dict[tuple[int, int, str], tuple[Message, float]] = {}

    def _fetched(self, msg: Message) -> dict[str, Any]:
        data = msg.payload(bot_id=self.bot_user.id)
        if not self.history_includes_nonce:
            data.pop("nonce", None)
        return data

    async def _get_messages(self, req: Request) -> Any:
        """History, newest first: ``limit`` (1-100, default 50), and ``before``, ``after`` or ``around``."""
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        q = req.query
        try:
            limit = int(q.get("limit", 50))
        except ValueError:
            raise invalid("limit", "Value is not int.") from None
        if not 1 <= limit <= 100:
            raise invalid("limit", "int value should be less than or equal to 100 and at least 1.")
        anchors = [k for k in ("before", "after", "around") if k in q]
        if len(anchors) > 1:
            raise invalid(anchors[1], "before, after and around are mutually exclusive.")
        try:
            anchor = int(q[anchors[0]]) if anchors else None
        except ValueError:
            raise invalid(anchors[0], "Value is not snowflake.") from None
        oldest_first = self.messages_in(ch)
        if anchor is None:
            found = oldest_first[-limit:]
        elif anchors[0] == "before":
            found = [m for m in oldest_first if m.id < anchor][-limit:]
        elif anchors[0] == "after":  # the messages right after it, not the newest ones
            found = [m for m in oldest_first if m.id > anchor][:limit]
        else:
            older = [m for m in oldest_first if m.id < anchor][-(limit // 2) :] if limit > 1 else []
            newer = [m for m in oldest_first if m.id >= anchor][: limit - len(older)]
            found = older + newer
        return [self._fetched(m) for m in reversed(found)]

    async def _get_message(self, req: Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        return self._fetched(self._known_message(req, ch))

    async def _post_message(self, req: Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL)
        body = req.json or {}
        if ch.is_dm:
            assert ch.recipient is not None
            if not ch.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            perms = self.bot_permissions(ch)
            need = SEND_MESSAGES
            if req.files:
                need |= ATTACH_FILES
            if body.get("message_reference"):
                need |= READ_MESSAGE_HISTORY
            if perms & need != need:
                raise ApiError(403, 50013, "Missing Permissions")
        validate_message(body, req.files, creating=True)
        existing = self._enforced_nonce(ch, body)
        if existing is not None:  # Discord returns the message this nonce created; nothing new is posted
            return existing.payload(bot_id=self.bot_user.id)
        msg = self._new_bot_message(ch, body, req.files)
        msg.type = 19 if msg.message_reference else 0
        self.messages[msg.id] = msg
        if msg.nonce is not None and body.get("enforce_nonce"):
            self._nonces[(ch.id, self.bot_user.id, str(msg.nonce))] = (msg, asyncio.get_running_loop().time())
        await self._dispatch_message("MESSAGE_CREATE", msg)
        return msg.payload(bot_id=self.bot_user.id)

    def _enforced_nonce(self, ch: Channel, body: dict[str, Any]) -> Message | None:
        """The message created in this channel by the bot with the same nonce within ``nonce_window``."""
        nonce = body.get("nonce")
        if nonce is None:
            return None
        if isinstance(nonce, bool) or not isinstance(nonce, int | str) or len(str(nonce)) > 25:
            raise invalid("nonce", "Must be an integer or a string of 25 or fewer characters.")
        if not body.get("enforce_nonce"):
            return None
        found = self._nonces.get((ch.id, self.bot_user.id, str(nonce)))
        if found is None:
            return None
        msg, created = found
        if asyncio.get_running_loop().time() - created > self.nonce_window or msg.deleted:
            return None
        return msg

    def _new_bot_message(self, ch: Channel, body: dict[str, Any], files: list[FileUpload]) -> Message:
        referenced = None
        reference = body.get("message_reference")
        if reference:
            ref_id = int(reference["message_id"])
            referenced = self.messages.get(ref_id)
            if referenced is None or referenced.deleted or referenced.channel_id != ch.id:
                if reference.get("fail_if_not_exists", True):
                    raise invalid("message_reference", "Unknown message")
                referenced = None
                reference = None
            else:
                reference = {
                    "type": 0,
                    "message_id": str(referenced.id),
                    "channel_id": str(ch.id),
                    **({"guild_id": str(ch.guild_id)} if ch.guild_id else {}),
                }
        msg = Message(
            id=self.ids.next(),
            channel_id=ch.id,
            guild_id=ch.guild_id,
            author=self.bot_user,
            content=body.get("content") or "",
            embeds=[{"type": "rich", **e} for e in body.get("embeds") or ()],
            components=list(body.get("components") or ()),
            flags=int(body.get("flags") or 0),
            tts=bool(body.get("tts")),
            allowed_mentions=body.get("allowed_mentions"),
            message_reference=reference,
            referenced=referenced,
            nonce=body.get("nonce"),
            seq=next_seq(),
        )
        msg.attachments = self._attachments_from(ch, body, files)
        self._set_pings(msg, ch)
        if ch.guild_id is not None:
            msg.member = self.guilds[ch.guild_id].members[self.bot_user.id]
        return msg

    def _attachments_from(
        self, ch: Channel, body: dict[str, Any], files: list[FileUpload], keep: Iterable[Attachment] = ()
    ) -> list[Attachment]:
        meta = {str(a.get("id")): a for a in body.get("attachments") or ()}
        out = list(keep)
        for i, f in enumerate(files):
            m = meta.get(str(i), {})
            att = self._new_attachment(ch.id, m.get("filename") or f.filename, f.data, f.content_type)
            att.description = m.get("description")
            out.append(att)
        return out

    def _set_pings(self, msg: Message, ch: Channel) -> None:
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        perms = self.bot_permissions(ch) if g is not None else 0
        replied = msg.referenced.author.id if msg.referenced is not None else None
        msg.pings = compute_pings(
            msg.content, msg.allowed_mentions, guild=g, author_permissions=perms, replied_author=replied
        )
        msg.mentioned_users = [self.users[u] for u in sorted(msg.pings.users) if u in self.users]

    def _apply_edit(self, msg: Message, body: dict[str, Any], files: list[FileUpload]) -> None:
        """PATCH semantics: only the fields given change; the result must not be empty."""
        validate_message(body, files, creating=False)
        ch = self.channels[msg.channel_id]
        content = (body["content"] or "") if "content" in body else msg.content
        embeds = [{"type": "rich", **e} for e in body["embeds"] or ()] if "embeds" in body else msg.embeds
        components = list(body["components"] or ()) if "components" in body else msg.components
        flags = msg.flags & ~LOADING
        if body.get("flags") is not None:
            flags = (flags & (EPHEMERAL | COMPONENTS_V2)) | (
                int(body["flags"]) & (SUPPRESS_EMBEDS | COMPONENTS_V2)
            )
        attachments = msg.attachments
        if "attachments" in body or files:
            keep_ids = {str(a.get("id")) for a in body.get("attachments") or ()}
            kept = (
                [a for a in msg.attachments if str(a.id) in keep_ids]
                if "attachments" in body
                else attachments
            )
            attachments = self._attachments_from(ch, body, files, keep=kept)
        if not (content.strip() or embeds or attachments or (flags & COMPONENTS_V2 and components)):
            raise ApiError(400, 50006, "Cannot send an empty message")
        msg.content, msg.embeds, msg.components, msg.flags, msg.attachments = (
            content,
            embeds,
            components,
            flags,
            attachments,
        )
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        msg.edited_timestamp = now_iso()
        msg.edits.append(dict(body))
        self._set_pings(msg, ch)

    async def _patch_message(self, req: Request) -> Any:
        ch = self._known_channel(req)
        msg = self._known_message(req, ch)
        if msg.author is not self.bot_user:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._apply_edit(msg, req.json or {}, req.files)
        await self._dispatch_message("MESSAGE_UPDATE", msg)
        return msg.payload(bot_id=self.bot_user.id)

    async def _delete_message(self, req: Request) -> Any:
        ch = self._known_channel(req)
        msg = self._known_message(req, ch)
        if msg.author is not self.bot_user:
            if ch.is_dm:
                raise ApiError(403, 50003, "Cannot execute action on a DM channel")
            if not self.bot_permissions(ch) & MANAGE_MESSAGES:
                raise ApiError(403, 50013, "Missing Permissions")
        await self._delete(msg)
        return None

    async def _delete(self, msg: Message) -> None:
        msg.deleted = True
        data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
        if self.connected and not msg.ephemeral:
            await self.dispatch(
                "MESSAGE_DELETE",
                data,
                intent=INTENT_GUILD_MESSAGES if msg.guild_id else INTENT_DIRECT_MESSAGES,
            )

    async def _add_reaction(self, req: Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        msg = self._known_message(req, ch)
        emoji = req.params["emoji"]
        users = msg.reactions.get(emoji)
        if not users and ch.guild_id is not None and not self.bot_permissions(ch) & ADD_REACTIONS:
            raise ApiError(403, 50013, "Missing Permissions")
        if not re.fullmatch(r"[^\w\s]+|[\w~-]+:\d+", emoji):
            raise ApiError(400, 10014, "Unknown Emoji")
        msg.reactions.setdefault(emoji, set()).add(self.bot_user.id)
        return None

    async def _remove_reaction(self, req: Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL | READ_MESSAGE_HISTORY)
        msg = self._known_message(req, ch)
        msg.reactions.get(req.params["emoji"], set()).discard(self.bot_user.id)
        return None

    async def _handle_attachment(self, request: web.Request) -> web.Response:
        att = self.attachments.get(int(request.match_info["attachment_id"]))
        if att is None:
            return web.Response(status=404)
        return web.Response(body=att.data, content_type=att.content_type or "application/octet-stream")
