"""The daily question without Discord: set-up, the post, answers and their feedback, what the scheduler must
do, and the reveal.

``cogs/tutor.py`` and ``cogs/daily.py`` turn interactions into calls on :class:`DailyService` and its results
into Discord messages. What a user sees comes back as :class:`Content` (plain data: a title, a description,
fields, a footer), every sentence from the catalogue (``daily.*`` and ``tutor.*`` keys) in the guild's
language. Text that does not come from the catalogue (a member's reply, a deck's question, a member's name)
goes through the ``escape`` function the caller passes (the cogs pass ``cogs.common.safe``), so this module
never imports discord.

Time: :class:`DailyService` reads its injected clock once per call; the pure helpers take ``now``. Decisions
(what is due, retries, the answer window) are the rules of :mod:`bot.scheduling` applied to what the store
holds, so a restarted bot (or a second scheduler pass) decides the same thing and posts nothing twice.
"""

from __future__ import annotations

import functools
import logging
import time as monotonic_time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo, available_timezones

from .decks import SUPPORTED_SUFFIXES, Card, DeckError, deck_name, load_deck
from .grading import Grade, grade_reply
from .i18n import (
    SUPPORTED_LANGUAGES,
    format_days,
    format_number,
    format_percent,
    join_list,
    language_from_locale,
    t,
    tn,
)
from .scheduling import (
    DEFAULT_ANSWER_WINDOW,
    MAX_POST_ATTEMPTS,
    EmptyDeckError,
    PostDue,
    RevealDue,
    Schedule,
    ScheduleError,
    answer_window_from_hours,
    choose_card,
    closes_at,
    discord_timestamp,
    due_actions,
    format_local,
    next_slot,
    parse_days,
    parse_post_time,
    parse_timezone,
    retry_delay,
    should_retry,
)
from .store import (
    AnswerResult,
    DeckInfo,
    GuildSettings,
    Post,
    PostClosed,
    PostStats,
    Store,
    UnknownRecord,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Escape = Callable[[str], str]

#: The permissions the bot needs in the question's channel (names of ``discord.Permissions`` attributes).
REQUIRED_CHANNEL_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
#: What Discord accepts in a modal's text input (and what /answer accepts).
MAX_ANSWER_CHARS = 4000
#: How many top scorers the reveal names.
TOP_SCORERS = 3
MEDALS = ("🥇", "🥈", "🥉")

# Discord's embed limits (the whole embed: 6000 characters).
_TITLE_LIMIT = 256
_DESCRIPTION_LIMIT = 4096
_FIELD_LIMIT = 1024
_FOOTER_LIMIT = 2048
# A credited part is quoted in the feedback; a pasted paragraph should not fill the embed.
_PART_LIMIT = 80
# Cards and guild settings read on every answer are cached this long (seconds of real time). Short enough
# that a re-imported deck or a changed setting shows up at once for practical purposes; long enough that a
# class answering at the same minute reads them once.
_CACHE_SECONDS = 10.0

_DEFAULT_WINDOW_HOURS = int(DEFAULT_ANSWER_WINDOW.total_seconds() // 3600)


def _plain(text: str) -> str:
    return text


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------------------
# Results as plain data


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Content:
    """A message as plain data, laid out as an embed by the cog. ``kind`` picks its colour."""

    title: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str | None = None
    url: str | None = None
    kind: str = "info"  # "question", "feedback", "reveal", "info", "error"

    def clipped(self) -> Content:
        """The same content within Discord's embed limits."""
        fields = tuple(
            Field(_clip(f.name, _TITLE_LIMIT), _clip(f.value, _FIELD_LIMIT), f.inline)
            for f in self.fields[:25]
        )
        return Content(
            title=_clip(self.title, _TITLE_LIMIT),
            description=_clip(self.description, _DESCRIPTION_LIMIT),
            fields=fields,
            footer=None if self.footer is None else _clip(self.footer, _FOOTER_LIMIT),
            url=self.url,
            kind=self.kind,
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


Value: TypeAlias = object  # a value for a message, or ``callable(lang) -> str`` rendered per language


class DailyError(Exception):
    """A refusal to show the user: a catalogue key with its values.

    ``user`` values are text someone typed; ``message`` escapes them. Other values are the bot's own
    (timestamps, channel mentions) and are inserted as they are; a callable value is called with the language.
    """

    def __init__(self, key: str, /, *, user: Mapping[str, str] | None = None, **values: Value) -> None:
        self.key = key
        self.user = dict(user or {})
        self.values = values
        super().__init__(key)

    def message(self, lang: str, escape: Escape = _plain) -> str:
        values: dict[str, object] = {k: escape(v) for k, v in self.user.items()}
        for key, value in self.values.items():
            values[key] = value(lang) if callable(value) else value
        return t(self.key, lang, **values)


class SetupError(DailyError):
    """Every problem found in a /tutor setup, listed together so the teacher fixes them in one go."""

    def __init__(self, problems: Sequence[DailyError]) -> None:
        super().__init__("tutor.setup.error.header")
        self.problems = tuple(problems)

    def message(self, lang: str, escape: Escape = _plain) -> str:
        lines = [t("tutor.setup.error.header", lang)]
        lines += [f"• {problem.message(lang, escape)}" for problem in self.problems]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Schedules, permissions, failures


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
    """A stored failure in words for the teacher, with what to do about it."""
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


def _since(settings: GuildSettings, fallback: datetime) -> datetime:
    # Slots before the last change of the set-up (set-up, pause, resume) are not caught up: setting up or
    # resuming at 09:00 does not post the 08:00 question (bot.scheduling.due_actions, created_at).
    return settings.updated_at or settings.created_at or fallback


def _days_mask(days: Iterable[int]) -> int:
    return sum(1 << day for day in set(days))


def _message_url(post: Post) -> str | None:
    if post.channel_id is None or post.message_id is None:
        return None
    return f"https://discord.com/channels/{post.guild_id}/{post.channel_id}/{post.message_id}"


def _when(moment: datetime) -> str:
    """A deadline or a post time as Discord shows it, in each reader's own time zone."""
    return f"{discord_timestamp(moment, 'F')} ({discord_timestamp(moment, 'R')})"


# ---------------------------------------------------------------------------------------------------------
# What is shown: the question, feedback, the reveal


def question_content(
    card: Card, deadline: datetime, lang: str, escape: Escape = _plain, *, closed: bool = False
) -> Content:
    """The daily post: the question, how many items are expected, the deadline."""
    fields = (
        Field(t("daily.post.expected", lang), tn("daily.post.items", len(card.items), lang), inline=True),
        Field(
            t("daily.post.closed_label" if closed else "daily.post.deadline", lang),
            _when(deadline),
            inline=True,
        ),
    )
    return Content(
        title=t("daily.post.title", lang),
        description=f"**{escape(card.question)}**",
        fields=fields,
        footer=t("daily.post.footer_closed" if closed else "daily.post.footer", lang),
        kind="closed" if closed else "question",
    ).clipped()


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

    def render(self, lang: str, escape: Escape = _plain) -> Content:
        """Private feedback: the score, the items found (with the words that earned them), how many were
        missed (not which: the answer key waits for the reveal), points and streak."""
        card, result = self.card, self.result
        percent = format_percent(result.score, lang)
        lines: list[str] = []
        if self.already_answered:
            lines.append(t("daily.feedback.already", lang, when=discord_timestamp(result.answered_at, "R")))
        matched = sorted(set(result.matched))
        if matched:
            lines.append(tn("daily.feedback.found", len(matched), lang))
            for index in matched:
                if index >= len(card.items):
                    continue
                answer = escape(card.items[index].answer)
                credit = self.grade.credit_for(index) if self.grade is not None else None
                if credit is not None and credit.part.strip():
                    part = escape(_clip(" ".join(credit.part.split()), _PART_LIMIT))
                    lines.append(t("daily.feedback.found_item_words", lang, item=answer, words=part))
                else:
                    lines.append(t("daily.feedback.found_item", lang, item=answer))
        else:
            lines.append(t("daily.feedback.none_found", lang))
        missed = self.total - len([i for i in matched if i < self.total])
        if missed and self.closed:
            lines.append(tn("daily.feedback.missed_closed", missed, lang))
        elif missed:
            lines.append(
                tn("daily.feedback.missed", missed, lang, when=discord_timestamp(self.post.closes_at, "R"))
            )
        else:
            lines.append(t("daily.feedback.all_found", lang))
        if self.grade is not None and self.grade.penalty:
            lines.append(
                tn("daily.feedback.penalty", self.grade.penalty, lang, extra=len(self.grade.unmatched))
            )
        fields = (
            Field(
                t("common.points_label", lang),
                t(
                    "daily.feedback.points",
                    lang,
                    points=format_number(result.points, lang),
                    total=tn(
                        "common.points",
                        result.total_points,
                        lang,
                        count=format_number(result.total_points, lang),
                    ),
                ),
                inline=True,
            ),
            Field(t("common.streak_label", lang), tn("common.streak", result.streak, lang), inline=True),
        )
        return Content(
            title=t("daily.feedback.title", lang, score=f"{self.shown_score}/{self.total}", percent=percent),
            description="\n".join(lines),
            fields=fields,
            footer=escape(_clip(card.question, 200)),
            kind="feedback",
        ).clipped()


@dataclass(frozen=True, slots=True)
class Reveal:
    """Everything the reveal of a post shows; ``render`` needs the top scorers' names."""

    post: Post
    card: Card | None
    stats: PostStats
    lang: str

    @property
    def top_member_ids(self) -> tuple[int, ...]:
        return tuple(scorer.member_id for scorer in self.stats.top)

    def render(self, names: Mapping[int, str], escape: Escape = _plain) -> Content:
        """The answer key with details and each item's hit rate, participation, the average, top scorers."""
        lang, stats, card = self.lang, self.stats, self.card
        participants = stats.participants
        lines: list[str] = []
        if card is None:
            lines.append(t("daily.reveal.card_removed", lang))
        else:
            lines.append(f"**{escape(card.question)}**")
            lines.append("")
            for index, item in enumerate(card.items):
                hits = stats.items[index].hits if index < len(stats.items) else 0
                rate = hits / participants if participants else 0.0
                key = "daily.reveal.item_detail" if item.detail else "daily.reveal.item"
                lines.append(
                    t(key, lang, n=index + 1, answer=escape(item.answer), detail=escape(item.detail))
                )
                if participants:
                    lines.append(
                        t(
                            "daily.reveal.item_rate",
                            lang,
                            percent=format_percent(rate, lang),
                            hits=hits,
                            participants=participants,
                        )
                    )
        fields: list[Field] = []
        if participants:
            fields.append(
                Field(
                    t("daily.reveal.class_label", lang),
                    t(
                        "daily.reveal.class",
                        lang,
                        participants=tn("daily.reveal.participants", participants, lang),
                        average=format_percent(stats.average_score, lang),
                    ),
                )
            )
            if card is not None:
                forgotten = [
                    escape(card.items[s.position].answer)
                    for s in sorted(stats.items, key=lambda s: (s.rate, s.position))
                    if s.position < len(card.items) and s.rate < 0.5
                ][:3]
                if forgotten:
                    fields.append(Field(t("daily.reveal.forgotten_label", lang), join_list(forgotten, lang)))
            top = []
            for medal, scorer in zip(MEDALS, stats.top, strict=False):
                name = escape(names.get(scorer.member_id) or t("daily.reveal.someone", lang))
                top.append(
                    t(
                        "daily.reveal.top_row",
                        lang,
                        medal=medal,
                        name=name,
                        percent=format_percent(scorer.score, lang),
                        points=tn("common.points", scorer.points, lang),
                    )
                )
            fields.append(Field(t("daily.reveal.top_label", lang), "\n".join(top)))
        else:
            fields.append(Field(t("daily.reveal.class_label", lang), t("daily.reveal.nobody", lang)))
        return Content(
            title=t("daily.reveal.title", lang),
            description="\n".join(lines),
            fields=tuple(fields),
            footer=t("daily.reveal.footer", lang),
            url=_message_url(self.post),
            kind="reveal",
        ).clipped()

    def closed_question(self, escape: Escape = _plain) -> Content | None:
        """The daily post as it reads once closed (its button removed), or None without its card."""
        if self.card is None:
            return None
        return question_content(self.card, self.post.closes_at, self.lang, escape, closed=True)


# ---------------------------------------------------------------------------------------------------------
# Set-up and status


@dataclass(frozen=True, slots=True)
class SetupRequest:
    """What /tutor setup was given. ``None``: not given (keep the current value, else the default).

    ``missing_permissions`` is what the bot lacks in the channel (see :func:`missing_permissions`), and
    ``guild_locale`` the guild's preferred locale, for the default language.
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
    private_answers: bool | None = None
    missing_permissions: tuple[str, ...] = ()
    guild_locale: str | None = None


@dataclass(frozen=True, slots=True)
class SetupResult:
    settings: GuildSettings
    deck: DeckInfo
    next_post: datetime

    def render(self, lang: str, escape: Escape = _plain) -> Content:
        s = self.settings
        tz = ZoneInfo(s.timezone)
        lines = [
            t(
                "tutor.setup.done",
                lang,
                channel=f"<#{s.channel_id}>",
                time=s.post_time,
                timezone=s.timezone,
                days=format_days(s.weekdays, lang),
            ),
            t(
                "tutor.setup.deck",
                lang,
                deck=escape(self.deck.name),
                title=escape(self.deck.title),
                cards=tn("tutor.cards", self.deck.card_count, lang),
            ),
            tn("tutor.setup.window", s.answer_window_hours, lang),
            t("tutor.setup.next", lang, when=_when(self.next_post), local=format_local(self.next_post, tz)),
        ]
        extra = [t("tutor.setup.language", lang, language=t(f"tutor.language.{s.language}", lang))]
        if s.teacher_role_id is not None:
            extra.append(t("tutor.setup.teacher_role", lang, role=f"<@&{s.teacher_role_id}>"))
        extra.append(t("tutor.setup.private_on" if s.private_answers else "tutor.setup.private_off", lang))
        if s.paused:
            extra.append(t("tutor.setup.still_paused", lang))
        return Content(
            title=t("tutor.setup.title", lang), description="\n".join([*lines, "", *extra]), kind="info"
        ).clipped()


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

    def render(self, lang: str, escape: Escape = _plain) -> Content:
        s = self.settings
        tz = ZoneInfo(s.timezone)
        channel = f"<#{s.channel_id}>" if s.channel_id else "—"
        deck = (
            t(
                "tutor.status.deck_value",
                lang,
                deck=escape(self.deck.name),
                cards=tn("tutor.cards", self.deck.card_count, lang),
            )
            if self.deck is not None
            else t("tutor.status.no_deck", lang)
        )
        fields = [
            Field(t("tutor.status.channel", lang), channel, inline=True),
            Field(
                t("tutor.status.schedule", lang),
                t(
                    "tutor.status.schedule_value",
                    lang,
                    time=s.post_time,
                    timezone=s.timezone,
                    days=format_days(s.weekdays, lang),
                ),
                inline=True,
            ),
            Field(t("tutor.status.deck", lang), deck, inline=True),
            Field(
                t("tutor.status.window", lang), tn("tutor.hours", s.answer_window_hours, lang), inline=True
            ),
            Field(t("tutor.status.language", lang), t(f"tutor.language.{s.language}", lang), inline=True),
            Field(
                t("tutor.status.private", lang),
                t("common.yes" if s.private_answers else "common.no", lang),
                inline=True,
            ),
        ]
        if s.teacher_role_id is not None:
            fields.append(
                Field(t("tutor.status.teacher_role", lang), f"<@&{s.teacher_role_id}>", inline=True)
            )
        if s.paused:
            state = t("tutor.status.paused", lang)
        elif self.next_post is not None:
            state = t(
                "tutor.status.next", lang, when=_when(self.next_post), local=format_local(self.next_post, tz)
            )
        else:
            state = t("tutor.status.not_ready", lang)
        fields.append(Field(t("tutor.status.next_label", lang), state))
        if self.open_post is not None:
            url = _message_url(self.open_post) or ""
            fields.append(
                Field(
                    t("tutor.status.open_label", lang),
                    t(
                        "tutor.status.open",
                        lang,
                        url=url,
                        when=_when(self.open_post.closes_at),
                        answers=tn("tutor.answers", self.answers, lang),
                    ),
                )
            )
        if s.failure_count:
            lines = [
                tn(
                    "tutor.status.failures",
                    s.failure_count,
                    lang,
                    when=discord_timestamp(s.last_failure_at, "R") if s.last_failure_at else "—",
                ),
                explain_failure(s.last_error, lang, channel=channel),
            ]
            if self.gave_up:
                lines.append(t("tutor.status.gave_up", lang, attempts=MAX_POST_ATTEMPTS))
            elif self.retry_at is not None:
                lines.append(t("tutor.status.retry", lang, when=discord_timestamp(self.retry_at, "R")))
            fields.append(Field(t("tutor.status.failures_label", lang), "\n".join(lines)))
        return Content(title=t("tutor.status.title", lang), fields=tuple(fields), kind="info").clipped()


# ---------------------------------------------------------------------------------------------------------
# The scheduler's work


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


Job: TypeAlias = PostJob | RevealJob


@dataclass(frozen=True, slots=True)
class PreparedPost:
    """A claimed post, ready to send: the card, its deadline if sent now, and where to send it."""

    post: Post
    card: Card
    channel_id: int
    closes_at: datetime
    lang: str

    def render(self, escape: Escape = _plain) -> Content:
        return question_content(self.card, self.closes_at, self.lang, escape)


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


# ---------------------------------------------------------------------------------------------------------
# Bundled decks


def bundled_deck_files(curated: Path | None, extra: Path | None = None) -> list[Path]:
    """The decks every guild sees: the curated ``*.yaml`` of ``curated`` (the project's ``data/decks``;
    the raw notes beside them are the same decks unreviewed) and every deck file of ``extra``
    (``TUTOR_DECKS``)."""
    files: list[Path] = []
    if curated is not None and curated.is_dir():
        files += sorted(p for p in curated.glob("*.yaml") if p.is_file())
    if extra is not None and extra.is_dir():
        files += sorted(p for p in extra.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    return files


async def load_bundled_decks(store: Store, files: Iterable[Path]) -> list[str]:
    """Store each deck file as a bundled deck under its file name (``cours-2.yaml`` → ``cours-2``).

    Saving replaces the stored deck and keeps its card ids where questions are unchanged, so doing it at
    every start-up keeps the database in step with the files without losing history. A deck that does not
    load is skipped with a warning naming the file and line; the bot still starts.
    """
    loaded: list[str] = []
    for path in files:
        name = deck_name(str(path))
        if name in loaded:
            log.warning("bundled deck %s: another file already gives the name %r; skipped", path, name)
            continue
        try:
            await store.save_deck(None, name, load_deck(path))  # a loaded deck always has cards
        except (DeckError, ValueError) as exc:
            log.warning("bundled deck not loaded: %s", exc)
            continue
        loaded.append(name)
    return loaded


# ---------------------------------------------------------------------------------------------------------
# The service


@dataclass
class _Cached:
    value: Any
    at: float = field(default_factory=monotonic_time.monotonic)

    def fresh(self) -> bool:
        return monotonic_time.monotonic() - self.at < _CACHE_SECONDS


class DailyService:
    """The daily question on top of the store, for one bot process.

    Methods raise :class:`DailyError` for what the user should be told; everything else is a bug or a
    store failure.
    """

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._cards: dict[int, _Cached] = {}
        self._settings: dict[int, _Cached] = {}
        # The open post of each guild, as /answer reads it: a class answering at once reads it once. This
        # process's own posts and reveals refresh it; the store still refuses an answer to a closed post.
        self._open: dict[int, _Cached] = {}

    def now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"the clock must return timezone-aware datetimes, got {now!r}")
        return now

    # ------------------------------------------------------------------------------------------ reads

    async def settings(self, guild_id: int, *, fresh: bool = False) -> GuildSettings | None:
        """The guild's set-up, cached briefly (answers read it for their language)."""
        cached = self._settings.get(guild_id)
        if not fresh and cached is not None and cached.fresh():
            return cached.value  # type: ignore[no-any-return]
        settings = await self.store.get_guild(guild_id)
        self._settings[guild_id] = _Cached(settings)
        return settings

    def _remember(self, settings: GuildSettings) -> GuildSettings:
        self._settings[settings.guild_id] = _Cached(settings)
        return settings

    async def language(self, guild_id: int | None, locale: str | None) -> str:
        """The guild's chosen language, else the language of ``locale`` (its preferred locale)."""
        if guild_id is not None:
            settings = await self.settings(guild_id)
            if settings is not None and settings.language in SUPPORTED_LANGUAGES:
                return settings.language
        return language_from_locale(locale)

    async def card(self, card_id: int) -> Card | None:
        cached = self._cards.get(card_id)
        if cached is not None and cached.fresh():
            return cached.value  # type: ignore[no-any-return]
        stored = await self.store.get_card(card_id)
        card = stored.card if stored is not None else None
        self._cards[card_id] = _Cached(card)
        return card

    async def deck_names(self, guild_id: int, typed: str, limit: int = 25) -> list[str]:
        """Deck names for autocompletion: those containing what was typed, the guild's own first."""
        wanted = typed.strip().lower()
        names = [d.name for d in await self.store.list_decks(guild_id) if d.card_count]
        starting = [n for n in names if n.lower().startswith(wanted)]
        containing = [n for n in names if wanted in n.lower() and n not in starting]
        return list(dict.fromkeys(starting + containing))[:limit]

    # ------------------------------------------------------------------------------------------ set-up

    async def setup(self, request: SetupRequest) -> SetupResult:
        """Check every value and save the set-up, or raise :class:`SetupError` listing every problem."""
        now = self.now()
        current = await self.store.get_guild(request.guild_id)
        problems: list[DailyError] = []

        def check(parse: Callable[[], Any]) -> Any:
            try:
                return parse()
            except ScheduleError as error:
                # Text values are what the teacher typed (escaped when shown); numbers are the bot's bounds.
                typed = {k: v for k, v in error.values.items() if isinstance(v, str)}
                bounds = {k: v for k, v in error.values.items() if not isinstance(v, str)}
                problems.append(DailyError(error.key, user=typed, **bounds))
                return None

        post_time = check(lambda: parse_post_time(request.time))
        zone = check(lambda: parse_timezone(request.timezone))
        days = None
        if request.days is not None:
            days = check(lambda: parse_days(request.days or ""))
        hours = None
        if request.window_hours is not None:
            window = check(lambda: answer_window_from_hours(float(request.window_hours or 0)))
            if window is not None:
                # The store keeps whole hours.
                hours = max(1, round(window.total_seconds() / 3600))
        language = request.language
        if language is not None and language not in SUPPORTED_LANGUAGES:
            problems.append(DailyError("tutor.setup.error.language", user={"value": language}))
            language = None
        deck = await self.store.find_deck(request.guild_id, request.deck)
        if deck is None:
            problems.append(DailyError("common.error.unknown_deck", user={"name": request.deck}))
        elif deck.card_count == 0:
            problems.append(DailyError(EmptyDeckError().key))
        if request.missing_permissions:
            names = request.missing_permissions
            problems.append(
                DailyError(
                    "tutor.setup.error.permissions",
                    channel=f"<#{request.channel_id}>",
                    permissions=lambda lang: permission_names(names, lang),
                )
            )
        if problems:
            raise SetupError(problems)
        assert post_time is not None and zone is not None and deck is not None
        if language is None:
            language = current.language if current is not None else language_from_locale(request.guild_locale)
        settings = GuildSettings(
            guild_id=request.guild_id,
            channel_id=request.channel_id,
            post_time=f"{post_time:%H:%M}",
            timezone=zone.key,
            days_mask=_days_mask(days) if days is not None else (current.days_mask if current else 0b1111111),
            active_deck_id=deck.id,
            answer_window_hours=hours
            if hours is not None
            else (current.answer_window_hours if current else _DEFAULT_WINDOW_HOURS),
            language=language,
            teacher_role_id=request.teacher_role_id
            if request.teacher_role_id is not None
            else (current.teacher_role_id if current else None),
            private_answers=request.private_answers
            if request.private_answers is not None
            else (current.private_answers if current else False),
            paused=current.paused if current is not None else False,
        )
        saved = self._remember(await self.store.save_guild(settings))
        return SetupResult(settings=saved, deck=deck, next_post=next_slot(schedule_of(saved), now))

    async def require_settings(self, guild_id: int) -> GuildSettings:
        settings = await self.settings(guild_id, fresh=True)
        if settings is None or not is_ready(settings):
            raise DailyError("common.error.not_set_up")
        return settings

    async def set_paused(self, guild_id: int, paused: bool) -> GuildSettings:
        await self.require_settings(guild_id)
        return self._remember(await self.store.update_guild(guild_id, paused=paused))

    async def status(self, guild_id: int) -> Status:
        settings = await self.require_settings(guild_id)
        now = self.now()
        deck = await self.store.get_deck_info(settings.active_deck_id) if settings.active_deck_id else None
        schedule = schedule_of(settings)
        last = await self.store.last_post(guild_id, sent_only=True)
        open_post = last if last is not None and last.revealed_at is None else None
        answers = (await self.store.post_stats(open_post.id, top=0)).participants if open_post else 0
        next_post = None if settings.paused else next_slot(schedule, now)
        retry_at, gave_up = None, False
        if settings.failure_count and settings.last_failure_at is not None:
            if settings.failure_count >= MAX_POST_ATTEMPTS:
                gave_up = True
            else:
                retry_at = settings.last_failure_at + retry_delay(settings.failure_count)
        return Status(settings, deck, now, next_post, open_post, answers, retry_at, gave_up)

    # ------------------------------------------------------------------------------------------ scheduler

    async def due_jobs(self) -> list[Job]:
        """What the scheduler must do now, in order: reveals (oldest first), then posts.

        Decided from stored state only, so a restarted bot catches up exactly once: a reveal is due while
        the post is not marked revealed, a post while its slot is newer than the last sent post's.
        """
        now = self.now()
        guilds = {g.guild_id: g for g in await self.store.guilds()}
        jobs: list[Job] = []
        for post in await self.store.posts_to_reveal(now):
            settings = guilds.get(post.guild_id)
            if settings is not None and not should_retry(
                failures_since(settings, post.closes_at), settings.last_failure_at, now
            ):
                continue  # failing: retried with the post's backoff, shown in /tutor status
            jobs.append(RevealJob(post))
        for settings in guilds.values():
            if not is_ready(settings):
                continue
            schedule = schedule_of(settings)
            last = await self.store.last_post(settings.guild_id, sent_only=True)
            still_open = last is not None and last.revealed_at is None and last.closes_at > now
            actions = due_actions(
                schedule,
                now,
                last_post_slot=last.slot if last is not None else None,
                paused=settings.paused,
                created_at=_since(settings, now),
                open_closes_at=last.closes_at if still_open and last is not None else None,
            )
            posts = [a for a in actions if isinstance(a, PostDue)]
            if not posts:
                continue
            due = posts[0]
            failures = failures_since(settings, due.slot)
            if not should_retry(failures, settings.last_failure_at if failures else None, now):
                continue
            for action in actions:
                if isinstance(action, RevealDue) and action.early and last is not None:
                    jobs.append(RevealJob(last, early=True))
            jobs.append(PostJob(settings.guild_id, due.slot))
        return jobs

    async def prepare_post(self, guild_id: int, slot: datetime | None = None) -> PreparedPost | None:
        """Claim the guild's post for ``slot`` (None: a manual post now) and return it ready to send.

        None when that slot was already posted (another pass got there first). A post claimed earlier but
        never sent (a failure, a crash) is sent with the card it was claimed with.
        """
        now = self.now()
        settings = await self.require_settings(guild_id)
        assert settings.active_deck_id is not None and settings.channel_id is not None
        schedule = schedule_of(settings)
        deck = await self.store.load_deck(settings.active_deck_id)
        if not deck.card_ids:
            raise DailyError(EmptyDeckError().key)
        posted = await self.store.cards_posted(guild_id, deck.id)
        card_id = choose_card(deck.card_ids, posted, seed=guild_id)
        deadline = closes_at(now, schedule)
        claim = await self.store.claim_post(
            guild_id, slot or now, card_id, closes_at=deadline, channel_id=settings.channel_id
        )
        post = claim.post
        if post.posted_at is not None:
            return None
        card = await self.card(post.card_id) if post.card_id is not None else None
        if card is None:  # the claimed card was removed meanwhile: nothing sensible to send for it
            raise DailyError(EmptyDeckError().key)
        return PreparedPost(post, card, settings.channel_id, deadline, settings.language)

    async def post_sent(self, prepared: PreparedPost, channel_id: int, message_id: int) -> Post:
        """Record the sent message; the answer window runs from now, as the post says."""
        now = self.now()
        post = await self.store.set_post_message(
            prepared.post.id, channel_id, message_id, now, closes_at=prepared.closes_at
        )
        await self.store.reset_post_failures(prepared.post.guild_id)
        self._settings.pop(prepared.post.guild_id, None)
        self._open.pop(prepared.post.guild_id, None)
        return post

    async def post_failed(self, guild_id: int, error: str, *, due_since: datetime | None = None) -> int:
        """Count a failed post (or reveal) for /tutor status and the retry backoff; returns the count.

        Failures older than ``due_since`` belong to an earlier slot and are forgotten first.
        """
        settings = await self.store.get_guild(guild_id)
        if settings is None:
            return 0
        if due_since is not None and settings.failure_count and failures_since(settings, due_since) == 0:
            await self.store.reset_post_failures(guild_id)
        count = await self.store.record_post_failure(guild_id, error)
        self._settings.pop(guild_id, None)
        log.warning("guild %s: posting failed (%d/%d): %s", guild_id, count, MAX_POST_ATTEMPTS, error)
        return count

    async def open_post(self, guild_id: int) -> Post | None:
        """The guild's last sent post if not revealed yet (open, or closed and awaiting its reveal)."""
        last = await self.store.last_post(guild_id, sent_only=True)
        return last if last is not None and last.revealed_at is None else None

    async def prepare_reveal(self, post: Post, *, early: bool = False) -> Reveal:
        """The reveal of ``post``; ``early`` closes its window now first (reveal-now, or superseded)."""
        now = self.now()
        if early:
            post = await self.store.close_post(post.id, now)
            self._open.pop(post.guild_id, None)
        stats = await self.store.post_stats(post.id, top=TOP_SCORERS)
        card = await self.card(post.card_id) if post.card_id is not None else None
        settings = await self.settings(post.guild_id)
        lang = settings.language if settings is not None else "en"
        return Reveal(stats.post, card, stats, lang)

    async def reveal_sent(self, post_id: int) -> bool:
        """Mark the post revealed; False if it already was."""
        done = await self.store.mark_revealed(post_id, self.now())
        self._open.clear()
        return done

    # ------------------------------------------------------------------------------------------ answers

    async def answer(
        self, guild_id: int, member_id: int, reply: str, *, message_id: int | None = None
    ) -> AnswerOutcome:
        """Grade and record a member's answer to the guild's open question (or to the post ``message_id``).

        One scored answer per member per question: a second attempt returns the first grade, unchanged.
        """
        now = self.now()
        if message_id is not None:
            post = await self._post_of_message(guild_id, message_id, now)
            if post is None or post.guild_id != guild_id:
                raise DailyError("daily.error.unknown_post")
        else:
            post = await self._open_post(guild_id, now)
            if post is None:
                raise await self._no_open_question(guild_id, now)
        card = await self.card(post.card_id) if post.card_id is not None else None
        if card is None:
            raise DailyError("daily.error.closed")
        text = reply.strip()[:MAX_ANSWER_CHARS]
        if not text:
            raise DailyError("daily.error.empty")
        if not post.is_open(now) or post.revealed_at is not None:
            earlier = await self.store.get_answer(post.id, member_id)
            if earlier is not None:
                return AnswerOutcome(post, card, None, earlier, closed=True)
            raise DailyError("daily.error.closed")
        grade = grade_reply(card.items, text, question=card.question)
        try:
            result = await self.store.record_answer(post.id, member_id, text, grade.matched, grade.score, now)
        except PostClosed:
            raise DailyError("daily.error.closed") from None
        except UnknownRecord:
            raise DailyError("daily.error.unknown_post") from None
        return AnswerOutcome(post, card, None if result.already_answered else grade, result)

    async def before_answer(self, guild_id: int, member_id: int, message_id: int) -> AnswerOutcome | None:
        """Before opening the answer form on the post ``message_id``: the member's first grade if they
        already answered (a second attempt gets it without typing again), None if they may answer.

        Raises DailyError when the post is closed or not a question of the day.
        """
        now = self.now()
        post = await self._post_of_message(guild_id, message_id, now)
        if post is None or post.guild_id != guild_id or post.card_id is None:
            raise DailyError("daily.error.unknown_post")
        earlier = await self.store.get_answer(post.id, member_id)
        closed = not post.is_open(now) or post.revealed_at is not None
        if earlier is not None:
            card = await self.card(post.card_id)
            if card is not None:
                return AnswerOutcome(post, card, None, earlier, closed=closed)
        if closed:
            raise DailyError("daily.error.closed")
        return None

    async def _open_post(self, guild_id: int, now: datetime) -> Post | None:
        cached = self._open.get(guild_id)
        if cached is not None and cached.fresh() and (cached.value is None or cached.value.is_open(now)):
            return cached.value  # type: ignore[no-any-return]
        post = await self.store.open_post(guild_id, now)
        self._open[guild_id] = _Cached(post)
        return post

    async def _post_of_message(self, guild_id: int, message_id: int, now: datetime) -> Post | None:
        # The Answer button and its form name the post's message: usually the guild's open post, cached.
        cached = self._open.get(guild_id)
        if cached is not None and cached.fresh() and cached.value is not None:
            post: Post = cached.value
            if post.message_id == message_id and post.is_open(now):
                return post
        return await self.store.post_for_message(message_id)

    async def _no_open_question(self, guild_id: int, now: datetime) -> DailyError:
        settings = await self.settings(guild_id)
        if settings is None or not is_ready(settings):
            return DailyError("common.error.not_set_up")
        if settings.paused:
            return DailyError("daily.error.no_open_paused")
        when = next_slot(schedule_of(settings), now)
        return DailyError("daily.error.no_open", when=_when(when))

    # ------------------------------------------------------------------------------------------ data

    async def export_csv(self, guild_id: int) -> str:
        return await self.store.export_scores_csv(guild_id)

    async def forget(self, guild_id: int, member_id: int) -> int:
        return await self.store.forget_member(guild_id, member_id)

    async def forget_guild(self, guild_id: int) -> int:
        """Everything about a guild the bot was removed from: its set-up, decks, posts and scores."""
        self._settings.pop(guild_id, None)
        self._open.pop(guild_id, None)
        return await self.store.forget_guild(guild_id)
