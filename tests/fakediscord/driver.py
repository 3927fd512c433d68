"""What tests do as users, and how they wait: slash commands, clicks, modals, messages, reactions.

Each action is checked as the Discord client would check it (``ClientRefused``: a hidden command, a
missing option, a disabled button, a channel the user cannot see), then dispatched to the bot over the
gateway. ``slash``/``click``/``submit_modal`` return an ``InteractionResult`` once acknowledged.
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import fnmatch
import secrets
from collections.abc import Callable, Iterable
from typing import Any

import discord

from .interactions import ClientRefused, InteractionResult
from .model import (
    Channel,
    Guild,
    Member,
    Message,
    Modal,
    User,
    next_seq,
    walk_components,
)
from .rest.router import Call
from .rules import (
    INTENT_DIRECT_MESSAGE_REACTIONS,
    INTENT_GUILD_MESSAGE_REACTIONS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    channel_permissions,
    compute_pings,
)
from .validate import (
    SELECT_TYPES,
)

_PROBLEM = object()  # a wait ended by a problem the watchdog saw


class Driver:
    """User actions and waits; the command options are typed by ``CommandOptions`` (``options.py``)."""

    def _init_driver(self) -> None:
        self.interactions: dict[int, InteractionResult] = {}
        self._by_token: dict[str, InteractionResult] = {}
        self._last_modal: dict[int, Modal] = {}
        self._waiters: dict[int | None, list[tuple[Callable[[], Any], asyncio.Future[Any]]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Returns the problems that should interrupt a wait (set by the fixtures to the watchdog's list).
        self.problem_check: Callable[[], list[str]] | None = None

    def calls_to(self, method: str | None = None, pattern: str = "*") -> list[Call]:
        """Recorded calls by method and path: a template ("/channels/{channel_id}/messages") or a glob."""
        return [
            c
            for c in self.calls
            if (method is None or c.method == method.upper())
            and (pattern == c.route or fnmatch.fnmatchcase(c.path, pattern))
        ]

    @property
    def command_puts(self) -> int:
        """How many bulk command overwrites (global or guild) the bot made: the tree syncs."""
        return sum(1 for c in self.calls if c.method == "PUT" and c.route and c.route.endswith("/commands"))

    def checkpoint(self) -> int:
        """A marker for ``wait_for_message(since=...)``: only messages created after it count."""
        return next_seq()

    async def wait_until(
        self, predicate: Callable[[], Any], *, timeout: float = 2.0, what: str = "", key: int | None = None
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every REST call and gateway change).

        With ``key`` (an interaction id), only calls about that interaction re-check it: many concurrent
        interactions then cost one check per call, not one per waiter.

        Fails at once, rather than at the timeout, when ``problem_check`` reports a problem (the fixtures wire
        it to the watchdog: an exception in a command, a discord warning...).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            self._raise_problems(what, predicate)
            future: asyncio.Future[Any] = loop.create_future()
            self._waiters.setdefault(key, []).append((predicate, future))
            try:
                value = await asyncio.wait_for(future, max(0.0, deadline - loop.time()))
            except TimeoutError:
                recent = "\n  ".join(repr(c) for c in self.calls[-8:])
                raise TimeoutError(
                    f"timed out after {timeout:g} s waiting for {what or predicate}; last calls:\n  {recent}"
                ) from None
            if value is not _PROBLEM:
                return value

    def _raise_problems(self, what: str, predicate: object) -> None:
        problems = self.problem_check() if self.problem_check is not None else []
        if problems:
            raise AssertionError(
                f"while waiting for {what or predicate}, the bot ran into:\n\n" + "\n\n".join(problems)
            )

    def _notify(self, key: int | None = None, *, everything: bool = False) -> None:
        """Re-check the pending waits not tied to an interaction, and those of interaction ``key``."""
        if everything:
            for k in list(self._waiters):
                self._notify_key(k)
            return
        self._notify_key(None)
        if key is not None:
            self._notify_key(key)

    def _notify_key(self, key: int | None) -> None:
        waiters = self._waiters.get(key)
        if not waiters:
            return
        problems = self.problem_check() if self.problem_check is not None else []
        pending = []
        for predicate, future in waiters:
            if future.done():
                continue
            try:
                value = predicate()
            except Exception as exc:
                future.set_exception(exc)
                continue
            if value:
                future.set_result(value)
            elif problems:
                future.set_result(_PROBLEM)
            else:
                pending.append((predicate, future))
        if pending:
            self._waiters[key] = pending
        else:
            del self._waiters[key]

    def poke(self) -> None:
        """Make pending waits re-check their condition (the watchdog calls it on a new problem)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(lambda: self._notify(everything=True))

    async def wait_for_message(
        self,
        channel: Channel | int | None = None,
        predicate: Callable[[Message], bool] | None = None,
        *,
        since: int = 0,
        timeout: float = 2.0,
    ) -> Message:
        """The first live bot message matching, in a channel or anywhere, created after ``since``."""
        cid = None if channel is None else self.channel(channel).id

        def find() -> Message | None:
            for m in self.messages.values():  # insertion order: creation order
                if (
                    m.seq > since
                    and not m.deleted
                    and m.author is self.bot_user
                    and (cid is None or m.channel_id == cid)
                    and (predicate is None or predicate(m))
                ):
                    return m
            return None

        return await self.wait_until(find, timeout=timeout, what=f"a bot message in {cid or 'any channel'}")

    async def send_message(
        self,
        channel: Channel | int,
        author: User | Member | int,
        content: str = "",
        *,
        reply_to: Message | int | None = None,
        mention_author: bool = True,
        embeds: list[dict[str, Any]] | None = None,
        attachments: Iterable[tuple[str, bytes]] = (),
    ) -> Message:
        """A user posts a message (MESSAGE_CREATE); ``message.delivered`` says whether the bot got it."""
        ch = self.channel(channel)
        user = self.user(author)
        g = self.guilds.get(ch.guild_id) if ch.guild_id else None
        member = None
        perms = 0
        if g is not None:
            member = g.member(user.id)
            perms = channel_permissions(g, member, ch)
            if not perms & VIEW_CHANNEL or not perms & SEND_MESSAGES:
                raise ClientRefused(f"{user.username} cannot send messages in #{ch.name}")
        referenced = None
        reference = None
        if reply_to is not None:
            referenced = self.message(reply_to)
            reference = {"type": 0, "message_id": str(referenced.id), "channel_id": str(ch.id)}
            if g is not None:
                reference["guild_id"] = str(g.id)
        msg = Message(
            id=self.ids.next(),
            channel_id=ch.id,
            guild_id=ch.guild_id,
            author=user,
            content=content,
            embeds=list(embeds or ()),
            type=19 if referenced is not None else 0,
            message_reference=reference,
            referenced=referenced,
            member=member,
            seq=next_seq(),
        )
        for filename, data in attachments:
            msg.attachments.append(self._new_attachment(ch.id, filename, data))
        replied = referenced.author.id if referenced is not None and mention_author else None
        msg.pings = compute_pings(content, None, guild=g, author_permissions=perms, replied_author=replied)
        msg.mentioned_users = [self.users[u] for u in msg.pings.users if u in self.users]
        self.messages[msg.id] = msg
        msg.delivered = await self._dispatch_message("MESSAGE_CREATE", msg)
        self._notify()
        return msg

    async def send_dm(self, user: User | Member | int, content: str) -> Message:
        """A user writes to the bot in DMs."""
        return await self.send_message(self.dm_channel(user), user, content)

    async def add_reaction(self, user: User | Member | int, message: Message | int, emoji: str) -> bool:
        """A user reacts to a message (MESSAGE_REACTION_ADD); True if the bot was told."""
        msg = self.message(message)
        u = self.user(user)
        msg.reactions.setdefault(emoji, set()).add(u.id)
        data: dict[str, Any] = {
            "user_id": str(u.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
            "message_author_id": str(msg.author.id),
        }
        intent = INTENT_GUILD_MESSAGE_REACTIONS
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            data["member"] = self.guilds[msg.guild_id].member(u.id).payload()
        else:
            intent = INTENT_DIRECT_MESSAGE_REACTIONS
        return await self.dispatch("MESSAGE_REACTION_ADD", data, intent=intent)

    def _interaction_base(
        self,
        itype: int,
        user: User,
        guild: Guild | None,
        channel: Channel,
        data: dict[str, Any],
        *,
        locale: str | None = None,
    ) -> tuple[InteractionResult, dict[str, Any]]:
        iid = self.ids.next()
        token = "itok-" + secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.payload(),
            "locale": locale or user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is not None:
            member = guild.member(user.id)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                member=member.payload(permissions=channel_permissions(guild, member, channel)),
                app_permissions=str(self.bot_permissions(channel)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user.payload(),
                app_permissions=str(discord.Permissions.none().value),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        result = InteractionResult(
            id=iid,
            token=token,
            type=itype,
            user=user,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            payload=payload,
            created=0.0,
            _fake=self,
        )
        return result, payload

    async def _run_interaction(
        self, result: InteractionResult, *, wait: bool, timeout: float | None, created: float | None = None
    ) -> InteractionResult:
        self.interactions[result.id] = result
        self._by_token[result.token] = result
        result.created = asyncio.get_running_loop().time() if created is None else created
        await self.dispatch("INTERACTION_CREATE", result.payload)
        if not wait:
            return result
        await result.wait_ack(timeout)
        if result.ack_type == 5:
            await result.wait_final()
        return result

    def _queue_interaction(self, result: InteractionResult) -> InteractionResult:
        """Create the interaction now and send it as soon as the connection takes it (Discord's own queue:
        a bot that reads slowly does not slow down the members creating interactions)."""
        self.interactions[result.id] = result
        self._by_token[result.token] = result
        result.created = asyncio.get_running_loop().time()
        task = asyncio.get_running_loop().create_task(self.dispatch("INTERACTION_CREATE", result.payload))
        self._background.add(task)
        task.add_done_callback(self._background_done)
        return result

    def _where(
        self, guild: Guild | int | None, user: Any, in_channel: Channel | int | None
    ) -> tuple[Guild | None, User, Channel]:
        u = self.user(user)
        if guild is None:
            ch = self.channel(in_channel) if in_channel is not None else self.dm_channel(u)
            return None, u, ch
        g = self.guild(guild)
        g.member(u.id)  # must be a member
        if in_channel is not None:
            ch = self.channel(in_channel)
        elif g.text_channels:
            ch = g.text_channels[0]
        else:
            raise ValueError(f"guild {g.name!r} has no text channel to run the command in")
        perms = channel_permissions(g, g.members[u.id], ch)
        if not perms & VIEW_CHANNEL:
            raise ClientRefused(f"{u.username} cannot see #{ch.name}")
        return g, u, ch

    # ------------------------------------------------------------------------------------- slash commands
    def find_command(self, guild: Guild | int | None, name: str) -> dict[str, Any]:
        """A registered command by top-level name: the guild's own commands first, then global ones."""
        gid = None if guild is None else self.guild(guild).id
        if gid is not None and name in self.guild_commands.get(gid, {}):
            return self.guild_commands[gid][name]
        if name in self.global_commands:
            return self.global_commands[name]
        known = sorted({*self.global_commands, *self.guild_commands.get(gid or 0, {})})
        raise ClientRefused(
            f"no command /{name} is registered (known: {known}); did the bot sync its command tree?"
        )

    async def slash(
        self,
        guild: Guild | int | None,
        user: User | Member | int,
        command: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        in_channel: Channel | int | None = None,
        locale: str | None = None,
        wait: bool = True,
        timeout: float | None = None,
        delivered_after: float = 0.0,
        **kwargs: Any,
    ) -> InteractionResult:
        """Run a slash command as a user.

        ``await fake.slash(guild, alice, "tutor setup", channel=ch, time="08:00")``

        Options come as keyword arguments (or a dict, for names that clash with the parameters here); they are
        checked and typed against the registered definition as the Discord client would. ``guild=None``: in
        DMs. Returns once acknowledged (and, for a deferred response, once its content arrived) unless
        ``wait=False``. ``delivered_after``: seconds between the interaction's creation (its id, and the
        start of its 3 s) and its dispatch, as when Discord's gateway lags behind a burst.
        """
        values = {**(options or {}), **kwargs}
        result = self._slash_interaction(guild, user, command, values, in_channel=in_channel, locale=locale)
        created = asyncio.get_running_loop().time()
        if delivered_after > 0:
            await asyncio.sleep(delivered_after)
        return await self._run_interaction(result, wait=wait, timeout=timeout, created=created)

    def _slash_interaction(
        self,
        guild: Guild | int | None,
        user: User | Member | int,
        command: str,
        values: dict[str, Any],
        *,
        in_channel: Channel | int | None = None,
        locale: str | None = None,
    ) -> InteractionResult:
        g, u, ch = self._where(guild, user, in_channel)
        data = self._command_data(g, u, ch, command, values, focused=None)
        result, _ = self._interaction_base(2, u, g, ch, data, locale=locale)
        return result

    async def autocomplete(
        self,
        guild: Guild | int | None,
        user: User | Member | int,
        command: str,
        focused: str,
        options: dict[str, Any] | None = None,
        /,
        *,
        in_channel: Channel | int | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot suggests while a user types option ``focused`` (value: typed so far)."""
        values = {**(options or {}), **kwargs}
        values.setdefault(focused, "")
        g, u, ch = self._where(guild, user, in_channel)
        data = self._command_data(g, u, ch, command, values, focused=focused)
        result, _ = self._interaction_base(4, u, g, ch, data)
        await self._run_interaction(result, wait=True, timeout=timeout)
        return result.choices or []

    async def click(
        self,
        user: User | Member | int,
        message: Message | int,
        custom_id: str | None = None,
        /,
        *,
        label: str | None = None,
        values: list[Any] | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> InteractionResult:
        """Click a button (by custom_id or label) or choose ``values`` in a select on a message."""
        msg = self.message(message)
        u = self.user(user)
        comp = self._find_component(msg, custom_id, label)
        if msg.deleted:
            raise ClientRefused(f"message {msg.id} was deleted")
        if msg.ephemeral and msg.interaction_id is not None:
            owner = self.interactions[msg.interaction_id].user
            if owner is not u:
                raise ClientRefused(f"{u.username} cannot see the ephemeral message {msg.id}")
        if comp.get("disabled"):
            raise ClientRefused(f"component {comp.get('custom_id') or comp.get('label')!r} is disabled")
        if comp["type"] == 2 and comp.get("style") in (5, 6):
            raise ClientRefused("link and premium buttons do not send interactions")
        ch = self.channel(msg.channel_id)
        g = self.guilds.get(msg.guild_id) if msg.guild_id else None
        data: dict[str, Any] = {"custom_id": comp["custom_id"], "component_type": comp["type"]}
        if comp["type"] in SELECT_TYPES:
            data["values"] = self._select_values(comp, values or [], g, u, ch, data)
        elif values is not None:
            raise ClientRefused("values= is for select menus")
        result, payload = self._interaction_base(3, u, g, ch, data)
        payload["message"] = msg.payload(bot_id=self.bot_user.id)
        result.source_message_id = msg.id
        return await self._run_interaction(result, wait=wait, timeout=timeout)

    def _find_component(self, msg: Message, custom_id: str | None, label: str | None) -> dict[str, Any]:
        for comp in walk_components(msg.components):
            if comp.get("type") not in (2, *SELECT_TYPES):
                continue
            if (custom_id is not None and comp.get("custom_id") == custom_id) or (
                label is not None and comp.get("label") == label
            ):
                return comp
        found = [
            (c.get("label"), c.get("custom_id")) for c in walk_components(msg.components) if "custom_id" in c
        ]
        raise ClientRefused(f"message {msg.id} has no component {custom_id or label!r}; it has {found}")

    async def submit_modal(
        self,
        user: User | Member | int,
        values: dict[str, Any] | None = None,
        /,
        *,
        modal: Modal | None = None,
        wait: bool = True,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> InteractionResult:
        """Fill and submit the last modal the bot opened for this user; keys: input labels or custom_ids."""
        u = self.user(user)
        modal = modal or self.last_modal(u)
        if modal.submitted:
            raise ClientRefused(f"modal {modal.title!r} was already submitted")
        given = {**(values or {}), **kwargs}
        used: set[str] = set()

        def value_for(inp_custom_id: str, inp_label: str | None) -> Any:
            for key in (inp_custom_id, inp_label):
                if key is not None and key in given:
                    used.add(key)
                    return given[key]
            return None

        inputs = {i.custom_id: i for i in modal.inputs}

        def text_value(comp: dict[str, Any], label: str | None) -> dict[str, Any]:
            inp = inputs[comp["custom_id"]]
            value = value_for(inp.custom_id, label)
            if comp["type"] != 4:
                chosen = list(value or [])
                if inp.required and not chosen:
                    raise ClientRefused(f"modal {modal.title!r}: {label or inp.custom_id!r} is required")
                return {"type": comp["type"], "custom_id": inp.custom_id, "values": [str(v) for v in chosen]}
            text = inp.value or "" if value is None else str(value)
            if inp.required and not text:
                raise ClientRefused(f"modal {modal.title!r}: {label or inp.custom_id!r} is required")
            if text and (
                len(text) < (inp.min_length or 0) or len(text) > (inp.max_length if inp.max_length else 4000)
            ):
                raise ClientRefused(
                    f"modal {modal.title!r}: {label or inp.custom_id!r} must be {inp.min_length or 0}.."
                    f"{inp.max_length or 4000} characters, got {len(text)}"
                )
            out = {"type": 4, "custom_id": inp.custom_id, "value": text}
            if "id" in comp:
                out["id"] = comp["id"]
            return out

        components: list[dict[str, Any]] = []
        for comp in modal.components:
            if comp.get("type") == 1:
                row = [text_value(c, c.get("label")) for c in comp.get("components") or ()]
                components.append({"type": 1, "components": row})
            elif comp.get("type") == 18:
                components.append({"type": 18, "component": text_value(comp["component"], comp.get("label"))})
            elif "id" in comp:
                components.append({"type": comp["type"], "id": comp["id"]})
        unused = set(given) - used
        if unused:
            labels = [(i.label, i.custom_id) for i in modal.inputs]
            raise ClientRefused(f"modal {modal.title!r} has no input(s) {sorted(unused)}; inputs: {labels}")
        g = self.guilds.get(modal.guild_id) if modal.guild_id else None
        ch = self.channel(modal.channel_id)
        result, payload = self._interaction_base(
            5, u, g, ch, {"custom_id": modal.custom_id, "components": components}
        )
        if modal.source_message_id is not None:
            source = self.messages[modal.source_message_id]
            payload["message"] = source.payload(bot_id=self.bot_user.id)
            result.source_message_id = source.id
        modal.submitted = True
        return await self._run_interaction(result, wait=wait, timeout=timeout)
