"""The records the store hands out: frozen dataclasses with aware UTC datetimes, no database types."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.decks.model import Card, Deck

from .errors import InvalidValue

ALL_DAYS = 0b1111111
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_POST_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
LANGUAGES = ("fr", "en")

#: The step of a daily post a process takes the lease on: sending the question, or revealing its answer.
LeaseStep = Literal["send", "reveal"]


def to_epoch(moment: datetime) -> int:
    """Seconds since the epoch for an aware datetime; naive datetimes are refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidValue(f"{moment!r} has no timezone; pass an aware datetime (UTC inside the bot)")
    return int(moment.timestamp())


def from_epoch(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def days_to_mask(days: str) -> int:
    """``"mon,wed,fri"`` → a 7-bit mask, bit 0 = Monday as ``datetime.weekday()``; ``""``/``"all"``: all."""
    text = days.strip().lower()
    if text in ("", "all", "*"):
        return ALL_DAYS
    mask = 0
    for part in re.split(r"[\s,;]+", text):
        if not part:
            continue
        if part[:3] not in _DAY_NAMES:
            raise InvalidValue(f"unknown day {part!r}; use mon, tue, wed, thu, fri, sat, sun")
        mask |= 1 << _DAY_NAMES.index(part[:3])
    return mask


def mask_to_days(mask: int) -> str:
    """The mask as ``"mon,tue,..."``."""
    return ",".join(name for bit, name in enumerate(_DAY_NAMES) if mask & (1 << bit))


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """One guild's set-up. ``days_mask`` bit 0 is Monday, as ``datetime.weekday()`` counts."""

    guild_id: int
    channel_id: int | None = None
    post_time: str = "08:00"
    timezone: str = "UTC"
    days_mask: int = ALL_DAYS
    active_deck_id: int | None = None
    answer_window_hours: int = 24
    language: str = "fr"
    teacher_role_id: int | None = None
    private_answers: bool = False
    paused: bool = False
    #: The role mentioned on each post (the only mention the bot ever lets ping).
    ping_role_id: int | None = None
    #: Each question opens a thread on its post; the reveal is posted there too.
    open_thread: bool = False
    #: Hours before the deadline of the one reminder post; None: no reminder.
    reminder_hours: int | None = None
    # Post-failure bookkeeping, written by record_post_failure / reset_post_failures only.
    failure_count: int = 0
    last_error: str | None = None
    last_failure_at: datetime | None = None
    # Set by the store (created_at: when the guild was first set up; the scheduler posts no slot before it).
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def weekdays(self) -> frozenset[int]:
        """Days the question is posted, as ``datetime.weekday()`` numbers (0 = Monday)."""
        return frozenset(day for day in range(7) if self.days_mask & (1 << day))

    @property
    def post_hour_minute(self) -> tuple[int, int]:
        hour, minute = self.post_time.split(":")
        return int(hour), int(minute)

    def validate(self) -> None:
        """Raise InvalidValue naming the first bad field."""
        if not _POST_TIME.match(self.post_time):
            raise InvalidValue(f"post time {self.post_time!r} is not HH:MM (00:00 to 23:59)")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise InvalidValue(
                f"unknown timezone {self.timezone!r}; use an IANA name such as Europe/Paris"
            ) from error
        if not 0 <= self.days_mask <= ALL_DAYS:
            raise InvalidValue(f"days mask {self.days_mask} is not a 7-bit mask")
        if not 1 <= self.answer_window_hours <= 168:
            raise InvalidValue(f"answer window {self.answer_window_hours} h is not between 1 and 168 hours")
        if self.language not in LANGUAGES:
            raise InvalidValue(f"language {self.language!r} is not one of {', '.join(LANGUAGES)}")
        if self.reminder_hours is not None and not 1 <= self.reminder_hours <= 167:
            raise InvalidValue(f"reminder {self.reminder_hours} h is not between 1 and 167 hours (or None)")


@dataclass(frozen=True, slots=True)
class DeckInfo:
    """A deck as listed: no cards."""

    id: int
    guild_id: int | None  # None: bundled
    name: str
    title: str
    language: str
    card_count: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredDeck:
    """A deck loaded from the store; ``card_ids[i]`` is the id of ``deck.cards[i]``."""

    id: int
    guild_id: int | None
    name: str
    deck: Deck
    card_ids: tuple[int, ...]

    def card_id_at(self, index: int) -> int:
        return self.card_ids[index]


@dataclass(frozen=True, slots=True)
class StoredCard:
    id: int
    deck_id: int
    position: int | None  # None: retired by a re-import of its deck
    card: Card


@dataclass(frozen=True, slots=True)
class Post:
    """One daily post. ``slot`` is the scheduled time it is for; ``posted_at`` is None until it is sent."""

    id: int
    guild_id: int
    deck_id: int | None
    card_id: int | None
    channel_id: int | None
    message_id: int | None
    slot: datetime
    claimed_at: datetime
    posted_at: datetime | None
    closes_at: datetime
    revealed_at: datetime | None
    #: The thread opened on the post (None: not yet, or the guild opens none; 0: it could not be opened).
    thread_id: int | None = None
    #: When the reminder was posted (None: not yet).
    reminded_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.posted_at is not None and now < self.closes_at


@dataclass(frozen=True, slots=True)
class SendIntent:
    """A post or a reveal the bot was about to send (recorded before sending, removed once its message id
    is stored): after a crash, look for it in the channel before sending again."""

    post_id: int
    kind: str  # "post" or "reveal"
    guild_id: int
    channel_id: int
    nonce: str
    started_at: datetime
    #: False when the intent was already recorded by an earlier attempt (it may have been sent).
    created: bool = True


@dataclass(frozen=True, slots=True)
class Claim:
    """The result of claim_post: the post for the slot, and whether this call created it."""

    post: Post
    created: bool


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What recording an answer did. With ``already_answered`` the grade is the member's first one and
    nothing was counted; the totals are the member's current ones either way."""

    answer_id: int
    post_id: int
    member_id: int
    score: float
    points: int
    matched: tuple[int, ...]
    answered_at: datetime
    already_answered: bool
    total_points: int
    total_answers: int
    streak: int
    best_streak: int


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    rank: int  # shared by ties: 1, 2, 2, 4
    member_id: int
    points: int
    answers: int


@dataclass(frozen=True, slots=True)
class Leaderboard:
    rows: tuple[LeaderboardRow, ...]
    total: int  # ranked members in the period
    me: LeaderboardRow | None  # the caller's row, even outside the page; None if unranked or not asked
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class MemberStats:
    guild_id: int
    member_id: int
    points: int
    answers: int
    average_score: float
    streak: int  # the live streak (0 once broken)
    best_streak: int
    rank: int
    ranked: int
    last_answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    post_id: int
    slot: datetime
    card_id: int | None
    question: str | None  # None when the card's deck was removed
    score: float
    points: int
    matched: tuple[int, ...]
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class ItemStat:
    position: int
    hits: int
    rate: float  # hits / participants


@dataclass(frozen=True, slots=True)
class TopScorer:
    member_id: int
    score: float
    points: int
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class PostStats:
    post: Post
    participants: int
    average_score: float
    items: tuple[ItemStat, ...]  # one per item of the card, in card order
    top: tuple[TopScorer, ...]


@dataclass(frozen=True, slots=True)
class Review:
    member_id: int
    card_id: int
    guild_id: int | None
    state: str  # the fsrs card as JSON
    due: datetime
    reviews: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PracticeSession:
    guild_id: int | None
    member_id: int
    state: str  # JSON owned by the practice feature
    updated_at: datetime
    expires_at: datetime
