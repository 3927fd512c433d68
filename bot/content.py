"""What the bot says, as neutral data: a message (``Content``) and the references inside it.

The core never writes Discord markup. Renderers take a :class:`Markup`, which turns neutral values (a
channel id, a role id, a member, a moment, a message) and user text into what the surface shows: the cogs
pass Discord's (``cogs.kit.markup``), the terminal and the tests :data:`PLAIN`. ``Content`` is laid out as
an embed by the cogs' kit; its limits are Discord's, kept here because every surface shows the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, Protocol

# Discord's embed limits (the whole embed: 6000 characters).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
MAX_FIELDS = 25

#: What a message is, which picks its colour: a question, feedback by how well it went, a reveal...
Kind = Literal[
    "question", "closed", "feedback", "good", "partial", "poor", "reveal", "info", "error", "quiz",
    "leaderboard", "teacher",
]  # fmt: skip

TimeStyle = Literal["t", "T", "d", "D", "f", "F", "R"]


def score_kind(score: float) -> Kind:
    """Feedback's colour follows the score: good from 90 %, partial from 40 %, poor below."""
    return "good" if score >= 0.9 else "partial" if score >= 0.4 else "poor"


def clean_text(value: str) -> str:
    """``value`` with every lone surrogate (which no UTF-8 text can hold: a forged client may send one in
    JSON) replaced by U+FFFD; pairs written as two escapes become their character."""
    if value.isascii():
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Markup(Protocol):
    """How neutral values are shown on a surface (Discord, the terminal)."""

    def text(self, value: str, limit: int = 1000) -> str:
        """User text (a reply, a deck's question, a name), made harmless and bounded."""
        ...

    def channel(self, channel_id: int) -> str: ...

    def role(self, role_id: int) -> str: ...

    def member(self, member_id: int) -> str: ...

    def time(self, moment: datetime, style: TimeStyle = "F") -> str:
        """A moment each reader sees in their own time zone where the surface can."""
        ...

    def message_url(self, guild_id: int, channel_id: int, message_id: int) -> str: ...


class PlainMarkup:
    """Plain text: the terminal, logs and tests of the core."""

    def text(self, value: str, limit: int = 1000) -> str:
        return clip(value, limit)

    def channel(self, channel_id: int) -> str:
        return f"#{channel_id}"

    def role(self, role_id: int) -> str:
        return f"@{role_id}"

    def member(self, member_id: int) -> str:
        return f"member {member_id}"

    def time(self, moment: datetime, style: TimeStyle = "F") -> str:
        return moment.isoformat(timespec="minutes")

    def message_url(self, guild_id: int, channel_id: int, message_id: int) -> str:
        return f"message {message_id}"


PLAIN: Markup = PlainMarkup()


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Image:
    """A picture attached to a message (a chart), as PNG bytes."""

    png: bytes
    filename: str


@dataclass(frozen=True, slots=True)
class Content:
    """A message as plain data, laid out as an embed by the cogs. ``kind`` picks its colour."""

    title: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str | None = None
    url: str | None = None
    kind: Kind = "info"
    image: Image | None = None

    def clipped(self) -> Content:
        """The same content within Discord's embed limits."""
        fields = tuple(
            Field(clip(f.name, TITLE_LIMIT), clip(f.value, FIELD_LIMIT), f.inline)
            for f in self.fields[:MAX_FIELDS]
        )
        return replace(
            self,
            title=clip(self.title, TITLE_LIMIT),
            description=clip(self.description, DESCRIPTION_LIMIT),
            fields=fields,
            footer=None if self.footer is None else clip(self.footer, FOOTER_LIMIT),
        )

    @property
    def text(self) -> str:
        """Everything readable, for logs and tests."""
        parts = [self.title, self.description]
        for f in self.fields:
            parts += [f.name, f.value]
        if self.footer:
            parts.append(self.footer)
        return "\n".join(p for p in parts if p)


def fit_lines(lines: list[str] | tuple[str, ...], limit: int, more: object) -> str:
    """As many lines as fit in ``limit`` characters, then ``more(left_out)`` (a callable giving the tail)."""
    tail_of = more if callable(more) else (lambda _left: str(more))
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        left = len(lines) - index - 1
        tail = len(tail_of(left)) + 1 if left else 0
        if used + len(line) + 1 + tail > limit:
            kept.append(tail_of(len(lines) - index))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)
