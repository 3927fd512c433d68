"""What the fake records about one interaction, and the waits a test uses on it."""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import Message, Modal, Pings, User

if TYPE_CHECKING:
    from .server import Call, FakeDiscord

CALLBACK_NAMES = {
    4: "message",
    5: "deferred message",
    6: "deferred update",
    7: "update message",
    8: "autocomplete result",
    9: "modal",
}


class ClientRefused(AssertionError):
    """The Discord client would not let a user do this (hidden command, missing option, disabled button)."""


class InteractionNotAcknowledged(AssertionError):
    """The bot did not acknowledge in time: Discord shows "The application did not respond"."""


@dataclass(eq=False)
class InteractionResult:
    """One interaction the fake dispatched, and everything the bot did with it.

    ``await fake.slash(...)`` (and ``click``/``submit_modal``) return this after the acknowledgement, and
    after the edit of a deferred (type 5) response. The properties read the visible response message.
    """

    id: int
    token: str
    type: int  # 2 command, 3 component, 4 autocomplete, 5 modal submit
    user: User
    guild_id: int | None
    channel_id: int
    payload: dict[str, Any]
    created: float  # loop time of the dispatch
    #: For a click (and a modal opened from a click): the message holding the component.
    source_message_id: int | None = None
    ack_type: int | None = None
    ack_time: float | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: Modal | None = None
    choices: list[dict[str, Any]] | None = None
    #: REST calls about this interaction (callback, follow-ups, @original).
    calls: list[Call] = field(default_factory=list)
    #: Those of them Discord refused (already acknowledged, too late, unknown webhook...).
    rejected: list[Call] = field(default_factory=list)
    _fake: FakeDiscord | None = None

    # --------------------------------------------------------------------------------------------- state
    @property
    def acknowledged(self) -> bool:
        return self.ack_type is not None

    @property
    def kind(self) -> str:
        """The acknowledgement in words: "message", "deferred message", "modal", ... or "none"."""
        return CALLBACK_NAMES.get(self.ack_type or 0, "none")

    @property
    def deferred(self) -> bool:
        return self.ack_type in (5, 6)

    @property
    def elapsed(self) -> float | None:
        """Seconds from the dispatch to the acknowledgement."""
        return None if self.ack_time is None else self.ack_time - self.created

    @property
    def settled(self) -> bool:
        """Acknowledged, and a deferred message (type 5) has been edited or followed up."""
        if self.ack_type is None:
            return False
        if self.ack_type == 5:
            return bool(self.followups) or (self.original is not None and not self.original.loading)
        return True

    # ------------------------------------------------------------------------------------------ messages
    @property
    def message(self) -> Message:
        """The response message: the reply (type 4/5), or the component's message (type 6/7)."""
        if self.original is None:
            raise AssertionError(
                f"interaction {self.id} has no response message (acknowledged as {self.kind}); "
                f"follow-ups: {self.followups}"
            )
        return self.original

    @property
    def messages(self) -> list[Message]:
        """The response message (if any) then the follow-ups, deleted ones left out."""
        found = [self.original] if self.original is not None and self.ack_type in (4, 5) else []
        return [m for m in [*found, *self.followups] if not m.deleted]

    @property
    def followup(self) -> Message:
        if not self.followups:
            raise AssertionError(f"interaction {self.id} has no follow-up message")
        return self.followups[-1]

    @property
    def content(self) -> str:
        return self.message.content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds

    @property
    def embed(self) -> dict[str, Any] | None:
        return self.message.embed

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return self.message.buttons

    @property
    def ephemeral(self) -> bool:
        return self.message.ephemeral

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.message.allowed_mentions

    @property
    def pings(self) -> Pings:
        return self.message.pings

    @property
    def text(self) -> str:
        """All visible text of the response and its follow-ups (content, embeds), for ``in`` assertions."""
        return "\n".join(m.text for m in self.messages)

    # --------------------------------------------------------------------------------------------- waits
    async def wait_ack(self, timeout: float | None = None) -> InteractionResult:
        """Wait for the acknowledgement; by default until Discord's deadline (plus a little slack) is over."""
        fake = self._require_fake()
        loop = asyncio.get_running_loop()
        if timeout is None:
            timeout = max(0.0, self.created + fake.ack_deadline - loop.time()) + 0.25
        try:
            await fake.wait_until(
                lambda: self.ack_type is not None, timeout=timeout, what="acknowledgement", key=self.id
            )
        except TimeoutError:
            rejected = "; ".join(f"{c.method} {c.path} -> {c.status} {c.response}" for c in self.rejected)
            raise InteractionNotAcknowledged(
                f"the bot did not acknowledge interaction {self.id} ({self.describe()}) within "
                f"{fake.ack_deadline:g} s" + (f"; refused: {rejected}" if rejected else "")
            ) from None
        return self

    async def wait_final(self, timeout: float = 5.0) -> InteractionResult:
        """Wait until a deferred response has its content (the @original edit or a follow-up)."""
        fake = self._require_fake()
        await self.wait_ack()
        await fake.wait_until(
            lambda: self.settled, timeout=timeout, what=f"the deferred response to {self.describe()}"
        )
        return self

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        fake = self._require_fake()
        await fake.wait_until(
            lambda: len(self.followups) >= count, timeout=timeout, what=f"{count} follow-up(s)"
        )
        return self.followups

    def describe(self) -> str:
        data = self.payload.get("data") or {}
        if self.type in (2, 4):
            names = [data.get("name", "?")]
            opts = data.get("options") or []
            while opts and opts[0].get("type") in (1, 2):
                names.append(opts[0]["name"])
                opts = opts[0].get("options") or []
            return "/" + " ".join(names)
        if self.type == 3:
            return f"click on {data.get('custom_id')!r}"
        if self.type == 5:
            return f"modal submit {data.get('custom_id')!r}"
        return f"interaction type {self.type}"

    def _require_fake(self) -> FakeDiscord:
        assert self._fake is not None
        return self._fake

    def __repr__(self) -> str:
        return f"<InteractionResult {self.describe()} by {self.user.username}: {self.kind}>"
