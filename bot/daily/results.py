"""What the daily-question service hands back: plain records, rendered by :mod:`bot.daily.render`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from bot.decks import Card
from bot.errors import UserError
from bot.grading import Grade
from bot.store import AnswerResult, DeckInfo, GuildSettings, Post, PostStats


class DailyError(UserError):
    """A refusal of the daily question (no open question, closed, not set up...)."""


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """A graded answer: ``grade`` is None when it was a second attempt (``result`` is then the first one)."""

    post: Post
    card: Card
    grade: Grade | None
    result: AnswerResult
    #: The question no longer takes answers (the answer key is out, or about to be).
    closed: bool = False

    @property
    def already_answered(self) -> bool:
        return self.result.already_answered

    @property
    def total(self) -> int:
        return len(self.card.items)

    @property
    def shown_score(self) -> int:
        """The score as items: 6 for 6/8 (after the anti-spray penalty)."""
        return round(self.result.score * self.total)


@dataclass(frozen=True, slots=True)
class Reveal:
    """Everything the reveal of a post shows; the surface adds the top scorers' names."""

    post: Post
    card: Card | None
    stats: PostStats
    lang: str

    @property
    def top_member_ids(self) -> tuple[int, ...]:
        return tuple(scorer.member_id for scorer in self.stats.top)


@dataclass(frozen=True, slots=True)
class PingRole:
    """The role /tutor setup was given to ping, as the surface sees it."""

    id: int
    is_everyone: bool = False
    #: Belongs to an integration (a bot's role, the boosters'): nobody can be given it.
    managed: bool = False
    #: A mention of it notifies (a mentionable role, or the bot may mention every role in the channel).
    pingable: bool = True


@dataclass(frozen=True, slots=True)
class SetupRequest:
    """What /tutor setup was given. ``None``: not given (keep the current value, else the default).

    ``missing_permissions`` is what the bot lacks in the channel (see
    :func:`bot.daily.rules.missing_permissions`), and ``guild_locale`` the guild's preferred locale, for the
    default language.
    """

    guild_id: int
    channel_id: int
    time: str
    timezone: str
    deck: str
    days: str | None = None
    window_hours: float | None = None
    language: str | None = None
    teacher_role_id: int | None = None
    #: What the teacher role is when it cannot be one: "everyone" (every member would be a teacher) or
    #: "managed" (a bot's or an integration's role, which nobody can be given).
    teacher_role_refused: str | None = None
    private_answers: bool | None = None
    missing_permissions: tuple[str, ...] = ()
    guild_locale: str | None = None
    ping_role: PingRole | None = None
    thread: bool | None = None
    #: Hours before the deadline; 0: no reminder.
    reminder_hours: int | None = None
    #: What the bot lacks in the channel to open threads (see ``bot.daily.rules.THREAD_PERMISSIONS``).
    missing_thread_permissions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SetupResult:
    settings: GuildSettings
    deck: DeckInfo
    next_post: datetime


@dataclass(frozen=True, slots=True)
class Status:
    """A guild's daily question at a glance (/tutor status)."""

    settings: GuildSettings
    deck: DeckInfo | None
    now: datetime
    next_post: datetime | None
    open_post: Post | None
    answers: int
    retry_at: datetime | None
    gave_up: bool
    #: What keeps the database from recording (``tutor.status.outage.<reason>``), or None.
    outage: str | None = None
    #: Grading by meaning: "on", "off" (turned off), or "missing" (the model could not be loaded).
    semantic: str = "on"
    #: The question of the card a teacher queued with /tutor next (posted next instead of the deck's order).
    queued_question: str | None = None


@dataclass(frozen=True, slots=True)
class PostJob:
    """Post the guild's question for ``slot`` now."""

    guild_id: int
    slot: datetime


@dataclass(frozen=True, slots=True)
class RevealJob:
    """Reveal ``post``; ``early`` closes it first (a new post supersedes it before its deadline)."""

    post: Post
    early: bool = False


@dataclass(frozen=True, slots=True)
class ThreadJob:
    """Open the thread of ``post``, sent before a restart that came before its thread."""

    post: Post


@dataclass(frozen=True, slots=True)
class ReminderJob:
    """Post the one reminder of ``post``: its deadline is near."""

    post: Post


Job: TypeAlias = PostJob | RevealJob | ThreadJob | ReminderJob


@dataclass(frozen=True, slots=True)
class PreparedPost:
    """A claimed post, ready to send: the card, its deadline if sent now, and where to send it."""

    post: Post
    card: Card
    channel_id: int
    closes_at: datetime
    lang: str
    #: The role the post mentions (the only one it may ping).
    ping_role_id: int | None = None
    #: Whether the post opens a thread.
    open_thread: bool = False
    #: Minutes of inactivity before Discord archives that thread.
    thread_archive_minutes: int = 1440


@dataclass(frozen=True, slots=True)
class Reminder:
    """The reminder of an open post: when it closes and how many have answered (never who has not)."""

    post: Post
    answered: int
    lang: str
