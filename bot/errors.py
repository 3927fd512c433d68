"""The one kind of error a user is told about: a catalogue key with its values, shown in their language.

Every feature raises :class:`UserError` (or a subclass naming the feature) for a refusal the member or the
teacher should read: "no open question", "unknown deck", "this round is over". The surface catches it and
shows ``error.message(lang, markup)`` privately. Anything else is a bug or an outage, reported with a
reference by the kit.

Values: ``user`` holds text someone typed (escaped by the markup when shown); other values are the bot's
own. A value may be a callable taking the language (a phrase built per language), an object with
``render(lang, markup)`` (a phrase with references in it), an object with ``describe(lang)`` (a deck error
quoting its file, escaped), a reference (:class:`ChannelRef`, ...) that the markup renders, or a float,
written the language's way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .content import PLAIN, Markup, TimeStyle
from .i18n import format_number, t


@dataclass(frozen=True, slots=True)
class ChannelRef:
    id: int


@dataclass(frozen=True, slots=True)
class RoleRef:
    id: int


@dataclass(frozen=True, slots=True)
class Moment:
    """A moment shown in one style, or ``"FR"``: full, then relative (``Monday 8:00 (in 3 hours)``)."""

    at: datetime
    style: TimeStyle | Literal["FR"] = "R"


def show_value(value: object, lang: str, markup: Markup) -> object:
    """A value ready for a template (see the module docstring)."""
    if isinstance(value, ChannelRef):
        return markup.channel(value.id)
    if isinstance(value, RoleRef):
        return markup.role(value.id)
    if isinstance(value, Moment):
        if value.style == "FR":
            return f"{markup.time(value.at, 'F')} ({markup.time(value.at, 'R')})"
        return markup.time(value.at, value.style)
    rendered = getattr(value, "render", None)
    if callable(rendered):
        return rendered(lang, markup)
    describe = getattr(value, "describe", None)
    if callable(describe):
        return markup.text(str(describe(lang)))
    if callable(value):
        return value(lang)
    if isinstance(value, float):
        return format_number(value, lang)
    return value


class Outage(Exception):
    """Something the bot depends on (its database) cannot do its part right now: nothing was recorded.

    Not a bug and not the member's fault: the surface says so ("not recorded, try again in a minute")
    instead of reporting an internal error. ``reason`` names what is wrong, for the teacher's status
    (``tutor.status.outage.<reason>`` in the catalogue).
    """

    reason: str = "unavailable"


class UserError(Exception):
    """A refusal to show the user: a catalogue key and its values."""

    def __init__(self, key: str, /, *, user: Mapping[str, str] | None = None, **values: object) -> None:
        self.key = key
        self.user = dict(user or {})
        self.values = values
        super().__init__(key)

    def message(self, lang: str, markup: Markup = PLAIN) -> str:
        shown: dict[str, object] = {k: markup.text(v, 200) for k, v in self.user.items()}
        for key, value in self.values.items():
            shown[key] = show_value(value, lang, markup)
        return t(self.key, lang, **shown)


class UserErrors(UserError):
    """Several problems found at once (a set-up, a form), listed together so they are fixed in one go."""

    def __init__(self, header: str, problems: Sequence[UserError]) -> None:
        super().__init__(header)
        self.problems = tuple(problems)

    def message(self, lang: str, markup: Markup = PLAIN) -> str:
        lines = [t(self.key, lang)]
        lines += [f"• {problem.message(lang, markup)}" for problem in self.problems]
        return "\n".join(lines)


Phrase = Callable[[str], str]
