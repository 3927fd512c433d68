"""The daily question's pure rules: a guild's schedule, whether it can post, what a failure means.

Functions of the stored set-up and of ``now`` only (the scheduling arithmetic itself is
:mod:`bot.rules.scheduling`), so a restarted bot, or a second scheduler pass, decides the same thing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from bot.decks import Card, Item
from bot.grading import Grade, grade_reply
from bot.i18n import join_list, t
from bot.rules.scheduling import DEFAULT_ANSWER_WINDOW, Schedule, parse_post_time
from bot.store import GuildSettings, Post

#: The permissions the bot needs in the question's channel (names of ``discord.Permissions`` attributes).
REQUIRED_CHANNEL_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
#: What the bot also needs in the channel when each question opens a thread.
THREAD_PERMISSIONS = ("create_public_threads", "send_messages_in_threads")
#: How long a thread may stay quiet before Discord archives it (the durations Discord offers, minutes).
THREAD_ARCHIVE_MINUTES = (60, 1440, 4320, 10080)
#: The longest reminder: an hour less than the longest answer window.
MAX_REMINDER_HOURS = 167
#: What Discord accepts in a modal's text input (and what /answer accepts).
MAX_ANSWER_CHARS = 4000
#: How many top scorers the reveal names.
TOP_SCORERS = 3
DEFAULT_WINDOW_HOURS = int(DEFAULT_ANSWER_WINDOW.total_seconds() // 3600)
#: How long a process holds a post's next step (sending it, or revealing it) before another may take over:
#: longer than a send with discord.py's retries, shorter than Discord's nonce window (a few minutes), so a
#: post Discord accepted from a process killed before it stored the message is found again by its nonce.
POST_LEASE = timedelta(minutes=2)


def post_nonce(post_id: int) -> str:
    """The nonce of a post's message: Discord returns the message it already made with it (25 chars max)."""
    return f"tutor:post:{post_id}"


def reveal_nonce(post_id: int) -> str:
    return f"tutor:reveal:{post_id}"


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard whose gateway connection receives a guild's events: Discord's formula."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards one process runs (``ids``) out of ``count``: it posts and reveals for their guilds only."""

    ids: frozenset[int]
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not self.ids or not all(0 <= i < self.count for i in self.ids):
            raise ValueError(f"shards {sorted(self.ids)} of {self.count}: each must be from 0 to count - 1")

    def holds(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids


def grade_answer(card: Card, reply: str, others: Sequence[Sequence[Item]] | None = None) -> Grade:
    """How a daily answer is graded against its card, calibrated by meaning against the deck's ``others``
    cards: when it is recorded, and when a teacher's accepted alias re-grades the stored answers (the one
    place the daily question calls the grader)."""
    return grade_reply(card.items, reply, question=card.question, others=others)


def schedule_of(settings: GuildSettings) -> Schedule:
    """The guild's posting rule, from its stored set-up."""
    return Schedule(
        post_time=parse_post_time(settings.post_time),
        timezone=ZoneInfo(settings.timezone),
        days=settings.weekdays,
        answer_window=timedelta(hours=settings.answer_window_hours),
    )


def is_ready(settings: GuildSettings) -> bool:
    """Whether the guild has what posting needs: a channel, a deck and at least one day."""
    return settings.channel_id is not None and settings.active_deck_id is not None and settings.days_mask != 0


def missing_permissions(have: Mapping[str, bool]) -> tuple[str, ...]:
    """The required channel permissions ``have`` lacks (``have``: permission name → granted)."""
    return tuple(name for name in REQUIRED_CHANNEL_PERMISSIONS if not have.get(name, False))


def thread_archive_minutes(window_hours: int) -> int:
    """The shortest archive duration Discord offers that outlasts the answer window (the thread stays open
    for the discussion until the reveal, which is posted in it)."""
    for minutes in THREAD_ARCHIVE_MINUTES:
        if minutes >= window_hours * 60:
            return minutes
    return THREAD_ARCHIVE_MINUTES[-1]


def reminder_due(settings: GuildSettings, post: Post, now: datetime) -> bool:
    """Whether the post's one reminder is due now: the guild asks for one, it was not sent, the post is open
    and within ``reminder_hours`` of its deadline, and the reminder comes after the post itself."""
    if settings.reminder_hours is None or post.reminded_at is not None or post.posted_at is None:
        return False
    if post.revealed_at is not None or now >= post.closes_at:
        return False
    remind_at = post.closes_at - timedelta(hours=settings.reminder_hours)
    return post.posted_at < remind_at <= now


def permission_names(names: Iterable[str], lang: str) -> str:
    """Permissions as Discord's settings name them: ``View Channel, Send Messages and Embed Links``."""
    return join_list((t(f"tutor.perm.{name}", lang) for name in names), lang)


def failure_code(*, permissions: Iterable[str] = (), discord_code: int | None = None, text: str = "") -> str:
    """What went wrong with a post, as stored in the guild's ``last_error`` (see :func:`explain_failure`)."""
    names = tuple(permissions)
    if names:
        return "permissions:" + ",".join(names)
    if discord_code is not None:
        return f"discord:{discord_code}:{text}"
    return text or "unknown"


def explain_failure(error: str | None, lang: str, *, channel: str) -> str:
    """A stored failure in words for the teacher, with what to do about it (``channel`` as shown)."""
    error = error or "unknown"
    kind, _, rest = error.partition(":")
    if kind == "permissions":
        return t(
            "tutor.failure.permissions",
            lang,
            channel=channel,
            permissions=permission_names(rest.split(","), lang),
        )
    if kind == "discord":
        code, _, text = rest.partition(":")
        if code in ("50013", "50001"):
            return t(
                "tutor.failure.permissions",
                lang,
                channel=channel,
                permissions=permission_names(REQUIRED_CHANNEL_PERMISSIONS, lang),
            )
        if code == "10003":
            return t("tutor.failure.channel_missing", lang)
        return t("tutor.failure.discord", lang, code=code, text=text[:200])
    if kind == "channel_missing":
        return t("tutor.failure.channel_missing", lang)
    if kind == "empty_deck":
        return t("scheduling.error.empty_deck", lang)
    return t("tutor.failure.unknown", lang, text=error[:200])


def failures_since(settings: GuildSettings, moment: datetime) -> int:
    """The guild's failed attempts that belong to what is due since ``moment`` (older ones are stale)."""
    if settings.failure_count <= 0 or settings.last_failure_at is None:
        return 0
    return settings.failure_count if settings.last_failure_at >= moment else 0


def setup_changed_at(settings: GuildSettings, fallback: datetime) -> datetime:
    """Slots before the last change of the set-up (set-up, pause, resume) are not caught up: setting up or
    resuming at 09:00 does not post the 08:00 question (bot.rules.scheduling.due_actions, created_at)."""
    return settings.updated_at or settings.created_at or fallback


def days_mask(days: Iterable[int]) -> int:
    return sum(1 << day for day in set(days))


def timezone_names(typed: str, limit: int = 25) -> list[str]:
    """IANA zone names for autocompletion: those starting with what was typed, then those containing it."""
    wanted = "_".join(typed.strip().split()).lower()
    zones = _zone_names()
    starting = [z for z in zones if z.lower().startswith(wanted)]
    containing = [z for z in zones if wanted in z.lower() and not z.lower().startswith(wanted)]
    return (starting + containing)[:limit]


@functools.cache
def _zone_names() -> tuple[str, ...]:
    # Scanning tzdata is slow: once per process.
    return tuple(
        sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    )
