"""REST: interaction callbacks and the interaction webhooks (follow-ups, ``@original`` edits and deletes).

Discord's rules enforced here: one acknowledgement per interaction (a second one: 400 40060), within
``ack_deadline`` seconds of the dispatch (later: 404 10062 "Unknown interaction"); only the callback types
valid for the interaction's type; no follow-up or ``@original`` before the acknowledgement (404 10015); the
token valid for ``token_lifetime`` (then 401 50027).
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

import asyncio
from typing import Any

from ..interactions import InteractionResult
from ..model import (
    Message,
    Modal,
)
from ..rules import (
    EPHEMERAL,
    LOADING,
)
from ..validate import (
    COMPONENTS_V2,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    ApiError,
    invalid,
    validate_message,
    validate_modal,
)
from .router import FileUpload, Request, RouteSpec

ROUTES: tuple[RouteSpec, ...] = (
    ("POST", "/interactions/{interaction_id}/{token}/callback", "_callback", False),
    ("POST", "/webhooks/{application_id}/{token}", "_followup", False),
    ("GET", "/webhooks/{application_id}/{token}/messages/@original", "_get_webhook_message", False),
    ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}", "_get_webhook_message", False),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/@original", "_edit_webhook_message", False),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}", "_edit_webhook_message", False),
    ("DELETE", "/webhooks/{application_id}/{token}/messages/@original", "_delete_webhook_message", False),
    ("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}", "_delete_webhook_message", False),
)


class InteractionRoutes:
    """What the bot answers to interactions; each call is also recorded on its ``InteractionResult``."""

    async def _callback(self, req: Request) -> Any:
        inter = self.interactions.get(int(req.params["interaction_id"]))
        if inter is None or inter.token != req.params["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        inter.calls.append(req.call)
        req.call.interaction_id = inter.id
        loop = asyncio.get_running_loop()
        try:
            if inter.ack_type is not None:
                raise ApiError(400, 40060, "Interaction has already been acknowledged.")
            if loop.time() - inter.created > self.ack_deadline:
                raise ApiError(404, 10062, "Unknown interaction")
            body = req.json or {}
            ctype = body.get("type")
            allowed = {2: (4, 5, 9), 3: (4, 5, 6, 7, 9), 4: (8,), 5: (4, 5, 6, 7)}[inter.type]
            if ctype not in allowed:
                raise invalid("type", f"callback type {ctype} is not valid for interaction type {inter.type}")
            if ctype in (6, 7) and inter.source_message_id is None:
                raise invalid("type", "no message to update for this interaction")
            data = body.get("data") or {}
            resource = self._acknowledge(inter, ctype, data, req.files)
        except ApiError:
            inter.rejected.append(req.call)
            raise
        inter.ack_type = ctype
        inter.ack_time = loop.time()
        if "with_response" not in req.query or req.query["with_response"] in ("0", "false"):
            return None
        original = inter.original
        info: dict[str, Any] = {
            "id": str(inter.id),
            "type": inter.type,
            "response_message_loading": ctype == 5,
            "response_message_ephemeral": bool(original and original.ephemeral and ctype in (4, 5)),
        }
        if original is not None and ctype in (4, 5, 7):
            info["response_message_id"] = str(original.id)
        out: dict[str, Any] = {"interaction": info}
        if resource is not None:
            out["resource"] = resource
        return out

    def _acknowledge(
        self, inter: InteractionResult, ctype: int, data: dict[str, Any], files: list[FileUpload]
    ) -> dict[str, Any] | None:
        ch = self.channels[inter.channel_id]
        if ctype in (4, 5):
            if ctype == 4:
                validate_message(data, files, creating=True)
            msg = self._new_bot_message(
                ch, {k: v for k, v in data.items() if k != "message_reference"}, files
            )
            msg.flags = int(data.get("flags") or 0) & (
                EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
            )
            if ctype == 5:
                msg.flags = (msg.flags & EPHEMERAL) | LOADING
            msg.type = 20 if inter.type == 2 else 0
            msg.webhook_id = self.application_id
            msg.application_id = self.application_id
            msg.interaction_id = inter.id
            msg.interaction_metadata = {
                "id": str(inter.id),
                "type": inter.type,
                "user": inter.user.payload(),
                "authorizing_integration_owners": inter.payload.get("authorizing_integration_owners", {}),
            }
            self.messages[msg.id] = msg
            inter.original = msg
            return {"type": ctype, "message": msg.payload(bot_id=self.bot_user.id)}
        if ctype in (6, 7):
            msg = self.messages[inter.source_message_id]  # type: ignore[index]
            inter.original = msg
            if ctype == 7:
                self._apply_edit(msg, data, files)
                return {"type": 7, "message": msg.payload(bot_id=self.bot_user.id)}
            return None
        if ctype == 8:
            choices = data.get("choices") or []
            if len(choices) > 25:
                raise invalid("data.choices", "Must be 25 or fewer in length.")
            for i, c in enumerate(choices):
                if not 1 <= len(str(c.get("name", ""))) <= 100:
                    raise invalid(f"data.choices.{i}.name", "Must be between 1 and 100 in length.")
            inter.choices = list(choices)
            return None
        # ctype == 9: a modal
        validate_modal(data)
        modal = Modal(
            custom_id=data["custom_id"],
            title=data["title"],
            components=list(data["components"]),
            user_id=inter.user.id,
            guild_id=inter.guild_id,
            channel_id=inter.channel_id,
            interaction_id=inter.id,
            source_message_id=inter.source_message_id,
            _fake=self,
        )
        inter.modal = modal
        self._last_modal[inter.user.id] = modal
        return None

    def _webhook_interaction(self, req: Request) -> InteractionResult:
        inter = self._by_token.get(req.params["token"])
        if inter is None or int(req.params["application_id"]) != self.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        inter.calls.append(req.call)
        req.call.interaction_id = inter.id
        if inter.ack_type is None:
            inter.rejected.append(req.call)
            raise ApiError(404, 10015, "Unknown Webhook")
        if asyncio.get_running_loop().time() - inter.created > self.token_lifetime:
            inter.rejected.append(req.call)
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return inter

    async def _followup(self, req: Request) -> Any:
        inter = self._webhook_interaction(req)
        body = req.json or {}
        try:
            validate_message(body, req.files, creating=True)
        except ApiError:
            inter.rejected.append(req.call)
            raise
        ch = self.channels[inter.channel_id]
        msg = self._new_bot_message(ch, body, req.files)
        msg.flags = int(body.get("flags") or 0) & (
            EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
        )
        msg.webhook_id = msg.application_id = self.application_id
        msg.interaction_id = inter.id
        msg.type = 20 if inter.type == 2 else 0
        self.messages[msg.id] = msg
        inter.followups.append(msg)
        if req.query.get("wait") in ("true", "1", "True"):
            return msg.payload(bot_id=self.bot_user.id)
        return None

    def _webhook_message(self, req: Request, inter: InteractionResult) -> Message:
        mid = req.params.get("message_id")
        if mid is None:  # @original
            if inter.original is None or inter.original.deleted:
                inter.rejected.append(req.call)
                raise ApiError(404, 10008, "Unknown Message")
            return inter.original
        for m in [inter.original, *inter.followups]:
            if m is not None and str(m.id) == mid and not m.deleted:
                return m
        inter.rejected.append(req.call)
        raise ApiError(404, 10008, "Unknown Message")

    async def _get_webhook_message(self, req: Request) -> Any:
        inter = self._webhook_interaction(req)
        msg = self._webhook_message(req, inter)
        if req.call.method == "PATCH":
            try:
                self._apply_edit(msg, req.json or {}, req.files)
            except ApiError:
                inter.rejected.append(req.call)
                raise
        return msg.payload(bot_id=self.bot_user.id)

    _edit_webhook_message = _get_webhook_message

    async def _delete_webhook_message(self, req: Request) -> Any:
        inter = self._webhook_interaction(req)
        await self._delete(self._webhook_message(req, inter))
        return None
