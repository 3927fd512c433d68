"""What a forged client or a broken Discord could send: interactions the official client never would.

The user actions of ``driver.py`` refuse what the Discord client refuses. These do not: they build the
interaction a modified client (or a replayed request) would produce, so a test can check that the bot
verifies what it is given, in every feature, rather than trusting the client.

- ``forge_click(user, guild, custom_id, message=...)``: a component interaction in ``guild``, its custom id
  and its ``message`` chosen freely (a message of another guild, or a made-up id);
- ``forge_modal(user, guild, custom_id, {input_custom_id: value})``: a modal submission for no open modal;
- ``dispatch_broken_interaction(guild, user, missing=("token",))``: an INTERACTION_CREATE with fields
  removed (discord.py's parser raises on it: a bot must survive a bad event).
"""

# ruff: noqa: ASYNC109

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .interactions import InteractionResult
from .model import Channel, Guild, Member, Message, User


class Forgery:
    """Interactions built without the Discord client's checks (see the module's docstring)."""

    def _forge_where(
        self, user: User | Member | int, guild: Guild | int, channel: Channel | int | None
    ) -> tuple[Guild, User, Channel]:
        g = self.guild(guild)
        u = self.user(user)
        if channel is not None:
            ch = self.channel(channel)
        elif g.text_channels:
            ch = g.text_channels[0]
        else:
            raise ValueError(f"guild {g.name!r} has no text channel")
        if u.id not in g.members:
            self.add_member(g, u)
        return g, u, ch

    async def forge_click(
        self,
        user: User | Member | int,
        guild: Guild | int,
        custom_id: str,
        *,
        message: Message | int | dict[str, Any] | None = None,
        channel: Channel | int | None = None,
        component_type: int = 2,
        values: Iterable[str] | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> InteractionResult:
        """A click on ``custom_id`` sent from ``guild``; ``message`` names the message it claims to be on."""
        g, u, ch = self._forge_where(user, guild, channel)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        result, payload = self._interaction_base(3, u, g, ch, data)
        if isinstance(message, dict):
            payload["message"] = message
        else:
            source = self.message(message) if message is not None else None
            if source is None:  # a message the bot never sent: only its id and channel
                payload["message"] = self._stub_message(ch, custom_id)
            else:
                payload["message"] = source.payload(bot_id=self.bot_user.id)
                result.source_message_id = source.id
        return await self._run_interaction(result, wait=wait, timeout=timeout)

    async def forge_modal(
        self,
        user: User | Member | int,
        guild: Guild | int,
        custom_id: str,
        values: dict[str, str],
        *,
        message: Message | int | None = None,
        channel: Channel | int | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> InteractionResult:
        """A modal submission ``custom_id`` with text inputs ``{input custom_id: value}``, no modal opened."""
        g, u, ch = self._forge_where(user, guild, channel)
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        result, payload = self._interaction_base(5, u, g, ch, {"custom_id": custom_id, "components": rows})
        if message is not None:
            source = self.message(message)
            payload["message"] = source.payload(bot_id=self.bot_user.id)
            result.source_message_id = source.id
        return await self._run_interaction(result, wait=wait, timeout=timeout)

    async def dispatch_broken_interaction(
        self,
        guild: Guild | int,
        user: User | Member | int,
        *,
        missing: Iterable[str] = ("token",),
        command: str | None = None,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE (a slash command if ``command``, else a bare click) without ``missing`` keys.

        Returns the payload sent. Nothing waits for an answer: there is no token to answer with.
        """
        g, u, ch = self._forge_where(user, guild, None)
        if command is not None:
            result = self._slash_interaction(g, u, command, {}, in_channel=ch)
            payload = result.payload
        else:
            result, payload = self._interaction_base(
                3, u, g, ch, {"custom_id": "broken", "component_type": 2}
            )
            payload["message"] = self._stub_message(ch, "broken")
        for key in missing:
            payload.pop(key, None)
        await self.dispatch("INTERACTION_CREATE", payload, guild_id=g.id)
        return payload

    def _stub_message(self, ch: Channel, custom_id: str) -> dict[str, Any]:
        button = {"type": 2, "style": 1, "label": "?", "custom_id": custom_id}
        return {
            "id": str(self.ids.next()),
            "channel_id": str(ch.id),
            "author": self.bot_user.payload(),
            "content": "",
            "type": 0,
            "flags": 0,
            "components": [{"type": 1, "components": [button]}],
            "timestamp": "2025-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
        }
