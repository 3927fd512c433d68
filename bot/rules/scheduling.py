"""Scheduling rules for the daily question: pure functions of the clock, the timezone and the stored state.

Nothing here reads the clock, sleeps or does I/O: the caller passes ``now`` and what the store holds, and gets
back what is due. That is what makes "a bot that was down at 08:00 posts when it comes back, once" testable.

Conventions:
- Every datetime is timezone-aware (naive ones are rejected) and results are in UTC. The guild's IANA zone
  is only used to turn "08:00 on weekdays" into instants.
- A local post time that does not exist (the spring-forward gap, e.g. 02:30 on the day clocks jump from
  02:00 to 03:00) is moved forward to the first valid instant, the moment clocks jump (03:00 local).
- A local post time that happens twice (the autumn fall-back, e.g. 01:30 when clocks go from 02:00 back to
  01:00) is taken at its first occurrence, the earlier instant (``fold=0``).
- Days are numbered like ``datetime.weekday()``: 0 = Monday ... 6 = Sunday. Users type ISO numbers (1 =
  Monday ... 7 = Sunday) or names in English or French; ``parse_days`` converts.

Errors in user input raise ``ScheduleError``, which carries a message key of
``bot.i18n.messages.scheduling`` so a
cog can show it in the guild's language (``error.message(lang)``); ``str(error)`` is the English text.
"""

from __future__ import annotations

import difflib
import functools
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from bot.i18n import t
from bot.rules import timezones

# How long members may answer when a teacher does not say, and the bounds of what they may choose.
# 24 h, the same as the store's default (GuildSettings.answer_window_hours and the guilds table): with a
# daily question the window then runs until the next one (closes_at caps it at the next slot), so a
# morning question can still be answered in the evening, and the reveal comes just before the next post.
DEFAULT_ANSWER_WINDOW = timedelta(hours=24)
MIN_ANSWER_WINDOW_HOURS = 1
MAX_ANSWER_WINDOW_HOURS = 7 * 24

# A failed post (a missing permission, Discord down) is retried after 2, 6, 18 and 54 minutes, then left for
# the teacher to see in /tutor status: retrying forever would only spam the logs and Discord's rate limits.
MAX_POST_ATTEMPTS = 5
RETRY_BASE_DELAY = timedelta(minutes=2)
RETRY_BACKOFF_FACTOR = 3
RETRY_MAX_DELAY = timedelta(hours=1)

# User input is echoed in error messages; a pasted paragraph should not become a wall of text.
_MAX_SHOWN_INPUT = 40


class ScheduleError(ValueError):
    """A schedule value a user typed is wrong; ``message(lang)`` says what, with an example of a right one."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The error in ``lang`` (``"fr"`` or ``"en"``). User input inside is raw: escape it for Discord."""
        return t(self.key, lang, **self.values)


class EmptyDeckError(ScheduleError):
    """There is no card to post."""

    def __init__(self) -> None:
        super().__init__("scheduling.error.empty_deck")


def _shown(text: str) -> str:
    """User input as it appears in an error: whitespace collapsed, long input cut."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SHOWN_INPUT else text[: _MAX_SHOWN_INPUT - 1] + "…"


def _require_aware(value: datetime, name: str) -> None:
    # A naive datetime is a programming error (the DTZ lint rule exists for the same reason), not user input.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


# ---------------------------------------------------------------------------------------------------------
# Parsing what a teacher types in /tutor setup


_TIME_RE = re.compile(r"(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2})|h)?(?P<ampm>[ap]\.?m\.?)?")
_COMPACT_TIME_RE = re.compile(r"(?P<h>\d{2})(?P<m>\d{2})")


def parse_post_time(text: str) -> time:
    """A local time of day: ``08:00``, ``8:00``, ``17h30`` (French), ``8h``, ``0800``, ``8am``, ``5:30 pm``.

    Raises ``ScheduleError`` for anything else or an out-of-range hour or minute (``25:00``, ``08:60``).
    """
    compact = re.sub(r"\s+", "", text.lower())
    match = _TIME_RE.fullmatch(compact) or _COMPACT_TIME_RE.fullmatch(compact)
    if match is None:
        raise ScheduleError("scheduling.error.time_format", value=_shown(text))
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    ampm = match.groupdict().get("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            raise ScheduleError("scheduling.error.time_range", value=_shown(text))
        # 12 am is midnight and 12 pm is noon.
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError("scheduling.error.time_range", value=_shown(text))
    return time(hour, minute)


_EVERY_DAY = frozenset(range(7))
_WEEKDAYS = frozenset(range(5))
_WEEKEND = frozenset({5, 6})

# Whole-input phrases (several words allowed) and single-word tokens usable inside a list.
_DAY_SET_WORDS: dict[str, frozenset[int]] = {
    **dict.fromkeys(
        ["all", "daily", "everyday", "every day", "tous", "tous les jours", "chaque jour", "quotidien", "*"],
        _EVERY_DAY,
    ),
    **dict.fromkeys(
        ["weekdays", "weekday", "workdays", "semaine", "en semaine", "jours de semaine", "la semaine"],
        _WEEKDAYS,
    ),
    **dict.fromkeys(["weekend", "weekends", "week-end", "week-ends", "fin de semaine", "fds"], _WEEKEND),
}

# Full names in both languages; any unambiguous prefix of two letters or more is accepted too (tue, tues,
# thur, thurs, mer, ven, sa, di...).
_DAY_NAMES: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
}


def _day_number(token: str) -> int | None:
    """0-6 for one day name or ISO number, None when the token is not a day name at all."""
    if token.isdigit():
        number = int(token)
        if not 1 <= number <= 7:
            raise ScheduleError("scheduling.error.days_number", value=_shown(token))
        return number - 1
    # "lun." and plurals ("mondays", "lundis") are common in typed lists.
    for candidate in dict.fromkeys([token, token.rstrip("."), token.rstrip(".").removesuffix("s")]):
        if len(candidate) < 2:
            continue
        matches = {day for name, day in _DAY_NAMES.items() if name.startswith(candidate)}
        if len(matches) == 1:
            return matches.pop()
    return None


def parse_days(text: str) -> frozenset[int]:
    """The posting days (0 = Monday) from what a teacher types.

    Accepts names and prefixes in English or French (``mon,wed,fri``, ``lun mer ven``), ISO numbers
    (``1,3,5``; 1 = Monday, 7 = Sunday), ranges of either (``1-5``, ``mon-fri``, ``fri-mon`` wraps over the
    weekend), and words: ``all``/``tous``/``daily``, ``weekdays``/``semaine``, ``weekend``/``fin de semaine``.
    """
    phrase = " ".join(text.lower().split())
    if phrase in _DAY_SET_WORDS:
        return _DAY_SET_WORDS[phrase]
    days: set[int] = set()
    for token in re.split(r"[,;/\s]+", phrase):
        if not token:
            continue
        if token in _DAY_SET_WORDS:
            days |= _DAY_SET_WORDS[token]
            continue
        first, dash, last = token.partition("-")
        if dash:
            start, end = _day_number(first), _day_number(last)
            if start is None or end is None:
                raise ScheduleError("scheduling.error.days_unknown", value=_shown(token))
            # Inclusive, wrapping past Sunday: "fri-mon" is Friday to Monday.
            days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
            continue
        day = _day_number(token)
        if day is None:
            raise ScheduleError("scheduling.error.days_unknown", value=_shown(token))
        days.add(day)
    if not days:
        raise ScheduleError("scheduling.error.days_empty")
    return frozenset(days)


@functools.cache
def _timezones() -> dict[str, str]:
    """Known zone names by their lower-case form. Scanning tzdata is slow, so this is computed once."""
    # "localtime" means whatever the host is set to and "Factory" is a tzdata placeholder: neither is a
    # guild's time zone.
    return {name.lower(): name for name in available_timezones() if name not in {"localtime", "Factory"}}


def parse_timezone(name: str) -> ZoneInfo:
    """The IANA zone a teacher named, ignoring case, spaces for underscores allowed (``america/new york``).

    An unknown name raises ``ScheduleError``, suggesting close names (``Europe/Pari`` → ``Europe/Paris``) and
    zones of the city typed alone (``Montreal`` → ``America/Montreal``). Abbreviations (``EST``, ``IST``) and
    fixed offsets (``UTC-5``), even those tzdata knows, are refused with city zones to use instead (and the
    ``Etc/GMT±N`` zone for a deliberately fixed offset): they do not follow summer time
    (:mod:`bot.rules.timezones`).
    """
    refused = timezones.refusal(name)
    if refused is not None:
        key, values = refused
        raise ScheduleError(key, value=_shown(name), **values)
    wanted = "_".join(name.strip().split()).lower()
    zones = _timezones()
    if wanted in zones:
        return ZoneInfo(zones[wanted])
    if not wanted:
        raise ScheduleError("scheduling.error.timezone_unknown", value="")
    by_city = [zones[key] for key in zones if key.rsplit("/", 1)[-1] == wanted]
    close = [zones[key] for key in difflib.get_close_matches(wanted, zones, n=3, cutoff=0.75)]
    suggestions = list(dict.fromkeys(sorted(by_city) + close))[:3]
    if suggestions:
        raise ScheduleError(
            "scheduling.error.timezone_suggest", value=_shown(name), suggestions=", ".join(suggestions)
        )
    raise ScheduleError("scheduling.error.timezone_unknown", value=_shown(name))


def answer_window_from_hours(hours: float) -> timedelta:
    """The answer window a teacher chose, in hours (fractions allowed), within the allowed bounds."""
    if not (math.isfinite(hours) and MIN_ANSWER_WINDOW_HOURS <= hours <= MAX_ANSWER_WINDOW_HOURS):
        raise ScheduleError(
            "scheduling.error.answer_window",
            min_hours=MIN_ANSWER_WINDOW_HOURS,
            max_hours=MAX_ANSWER_WINDOW_HOURS,
        )
    return timedelta(hours=hours)


# ---------------------------------------------------------------------------------------------------------
# Slots: the instants a question is due


@dataclass(frozen=True)
class Schedule:
    """A guild's posting rule: ``post_time`` (local wall-clock time) in ``timezone`` on ``days``.

    ``answer_window`` is how long members may answer after a post.
    """

    post_time: time
    timezone: ZoneInfo
    days: frozenset[int]
    answer_window: timedelta

    def __post_init__(self) -> None:
        if self.post_time.tzinfo is not None:
            raise ValueError(
                "post_time is a local wall-clock time without tzinfo; the zone is Schedule.timezone"
            )
        if not self.days:
            raise ScheduleError("scheduling.error.days_empty")
        if not all(isinstance(day, int) and 0 <= day <= 6 for day in self.days):
            raise ValueError(
                f"days must be weekday numbers 0 (Monday) to 6 (Sunday), got {sorted(self.days)}"
            )
        if self.answer_window <= timedelta(0):
            raise ValueError(f"answer_window must be positive, got {self.answer_window}")
        # Accept any iterable of days but store a frozenset, so schedules compare and hash by value.
        object.__setattr__(self, "days", frozenset(self.days))


def _offset_seconds(timestamp: int, tz: ZoneInfo) -> float:
    offset = datetime.fromtimestamp(timestamp, tz).utcoffset()
    assert offset is not None  # a ZoneInfo always has an offset
    return offset.total_seconds()


def _gap_end(naive: datetime, tz: ZoneInfo) -> datetime:
    """The first valid instant after a local time that falls in a gap: the moment the clocks jumped."""
    # Read with the offsets before and after the jump, the nonexistent time gives two instants that bracket
    # the transition; bisect between them to the second (transitions are on whole seconds).
    early, late = sorted(naive.replace(tzinfo=tz, fold=fold).timestamp() for fold in (0, 1))
    low, high = math.floor(early), math.ceil(late)
    before = _offset_seconds(low, tz)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_seconds(middle, tz) == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of local time ``at`` on ``day`` in ``tz``, with the module's DST rules.

    Ambiguous (autumn) times resolve to the first occurrence; nonexistent (spring) ones to the end of the gap.
    """
    naive = datetime.combine(day, at)
    # fold=0 is the earlier of two occurrences of an ambiguous time.
    instant = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == naive:
        return instant
    # The round trip changed the wall time: it does not exist on that day.
    return _gap_end(naive, tz)


# A week, plus margin on each side for DST moves and zones that skipped a whole day (Pacific/Apia, 2011).
_SEARCH_DAYS = range(-1, 9)


def next_slot(schedule: Schedule, after: datetime) -> datetime:
    """The first post instant strictly after ``after`` (UTC): the post time on the next allowed local day."""
    _require_aware(after, "after")
    today = after.astimezone(schedule.timezone).date()
    for offset in _SEARCH_DAYS:
        day = today + timedelta(days=offset)
        if day.weekday() in schedule.days:
            slot = local_to_utc(day, schedule.post_time, schedule.timezone)
            if slot > after:
                return slot
    raise AssertionError("a schedule with at least one day has a slot within nine days")  # pragma: no cover


def latest_slot(schedule: Schedule, at_or_before: datetime) -> datetime | None:
    """The last post instant at or before ``at_or_before`` (UTC).

    ``None`` only when there is none in range, which a valid schedule (at least one day) never produces; the
    optional result keeps callers honest about "there has never been a slot".
    """
    _require_aware(at_or_before, "at_or_before")
    today = at_or_before.astimezone(schedule.timezone).date()
    # Newest first, from tomorrow's local date: in far-from-UTC zones "today" in UTC is not the local one.
    for offset in _SEARCH_DAYS:
        day = today - timedelta(days=offset)
        if day.weekday() in schedule.days:
            slot = local_to_utc(day, schedule.post_time, schedule.timezone)
            if slot <= at_or_before:
                return slot
    return None


def closes_at(start: datetime, schedule: Schedule) -> datetime:
    """When answers close for a question posted (or scheduled) at ``start``: ``start + answer_window``.

    Capped at the next slot: one question is open at a time, so a window longer than the gap between posts
    ends when the next question is posted, and the deadline shown in the post is the real one. (A manual
    post shortly before a slot therefore gets a short window; the next slot still posts.)
    """
    _require_aware(start, "start")
    return min(start.astimezone(UTC) + schedule.answer_window, next_slot(schedule, start))


@dataclass(frozen=True)
class PostDue:
    """Post a question for ``slot`` now. ``closes_at`` is its deadline if posted now; ``delay`` how late it is
    (zero on time, hours after downtime)."""

    slot: datetime
    closes_at: datetime
    delay: timedelta


@dataclass(frozen=True)
class RevealDue:
    """Close the open question and reveal its answer key. ``early`` when a new post supersedes it before its
    deadline (a deadline set before the schedule changed, or a manual post)."""

    closes_at: datetime
    early: bool = False


DueAction = PostDue | RevealDue


def reveal_due(closes_at: datetime | None, revealed_at: datetime | None, now: datetime) -> bool:
    """Whether the question closing at ``closes_at`` must be revealed now: deadline passed, not yet revealed.

    ``closes_at`` is ``None`` when there is no open question.
    """
    _require_aware(now, "now")
    return closes_at is not None and revealed_at is None and closes_at <= now


def due_actions(
    schedule: Schedule,
    now: datetime,
    *,
    last_post_slot: datetime | None,
    paused: bool,
    created_at: datetime,
    open_closes_at: datetime | None = None,
) -> list[DueAction]:
    """What the scheduler loop must do now, in order (a reveal comes before the post that follows it).

    A post is due for the latest slot at or before ``now`` when it is
    - strictly after ``last_post_slot`` (the slot of the last question posted; a restart posts nothing twice),
    - still open by its own deadline, ``closes_at(slot)``, so younger than the answer window (a bot back at
      10:00 posts the 08:00 question once; a slot whose window has passed is skipped, so after days offline
      only the most recent slot can post, never a backlog),
    - not before ``created_at`` (setting up at 09:00 does not post the 08:00 question; pass the resume time
      here too if slots missed during a pause should not be caught up),
    - and the guild is not paused.

    ``open_closes_at`` is the deadline of the posted question not yet revealed, if any. Its reveal is due at
    the deadline (pausing does not withhold it: members answered and are owed the key), or earlier when a new
    post is due, since one question is open at a time.

    Failed posts: the slot stays due (``last_post_slot`` does not move); ask ``should_retry`` before each try.
    """
    _require_aware(now, "now")
    _require_aware(created_at, "created_at")
    actions: list[DueAction] = []
    post: PostDue | None = None
    if not paused:
        slot = latest_slot(schedule, now)
        if (
            slot is not None
            and slot >= created_at
            and (last_post_slot is None or slot > last_post_slot)
            and now < closes_at(slot, schedule)
        ):
            post = PostDue(slot=slot, closes_at=closes_at(now, schedule), delay=now - slot)
    if open_closes_at is not None and (open_closes_at <= now or post is not None):
        actions.append(RevealDue(closes_at=open_closes_at, early=open_closes_at > now))
    if post is not None:
        actions.append(post)
    return actions


def retry_delay(failures: int) -> timedelta:
    """How long to wait after the ``failures``-th failed attempt: 2, 6, 18, 54 minutes, at most an hour."""
    if failures <= 0:
        return timedelta(0)
    return min(RETRY_BASE_DELAY * RETRY_BACKOFF_FACTOR ** (failures - 1), RETRY_MAX_DELAY)


def should_retry(failures: int, last_failure_at: datetime | None, now: datetime) -> bool:
    """Whether to try a failed post again now: fewer than ``MAX_POST_ATTEMPTS`` attempts, backoff elapsed.

    ``failures`` counts the failed attempts for the current slot; reset it when a new slot becomes due.
    """
    _require_aware(now, "now")
    if failures <= 0 or last_failure_at is None:
        return failures < MAX_POST_ATTEMPTS
    if failures >= MAX_POST_ATTEMPTS:
        return False
    return now >= last_failure_at + retry_delay(failures)


# ---------------------------------------------------------------------------------------------------------
# Which card to post


def choose_card(
    card_ids: Sequence[int], already_posted: Sequence[int], *, seed: int, queued: int | None = None
) -> int:
    """The next card to post: no card repeats until every card of the deck was posted, then a new cycle.

    ``queued``, the card a teacher chose with ``/tutor next``, comes first while it is in the deck; once
    posted it counts as any posted card, so the cycle goes on without it.

    ``already_posted`` is the guild's posting history for this deck, oldest first (ids of cards since removed
    are ignored). Each cycle follows its own shuffle of the deck, ``random.Random`` seeded with the guild's
    ``seed`` and the cycle number, so the order is deterministic, differs between guilds and between cycles,
    and a card added mid-cycle joins the current one. A new cycle never starts with the card that ended the
    previous one (no same question two days running) unless the deck has a single card.
    """
    deck = list(dict.fromkeys(card_ids))
    if not deck:
        raise EmptyDeckError()
    if queued is not None and queued in deck:
        return queued
    in_deck = set(deck)
    cycle = 0
    seen: set[int] = set()
    for card in already_posted:
        if card not in in_deck:
            continue
        seen.add(card)
        if seen >= in_deck:
            cycle += 1
            seen = set()
    # Seeding with a string keeps (guild, cycle) pairs distinct, where seed + cycle would make guild 41's
    # second cycle replay guild 42's first.
    order = sorted(deck)
    random.Random(f"{seed}:{cycle}").shuffle(order)
    remaining = [card for card in order if card not in seen]
    if not seen and len(remaining) > 1:
        previous = next((card for card in reversed(already_posted) if card in in_deck), None)
        if remaining[0] == previous:
            return remaining[1]
    return remaining[0]


# ---------------------------------------------------------------------------------------------------------
# Showing times


def format_local(dt: datetime, tz: ZoneInfo) -> str:
    """``dt`` in the guild's zone, for status messages and logs: ``2024-03-11 08:00 EDT``, ``... UTC+14``.

    Zones without a letter abbreviation (tzdata writes ``+14``) show their offset as ``UTC+14``, ``UTC+5:45``.
    """
    _require_aware(dt, "dt")
    local = dt.astimezone(tz)
    name = local.tzname() or ""
    if not name or name[0] in "+-":
        offset = local.utcoffset() or timedelta(0)
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        hours, minutes = divmod(minutes, 60)
        name = f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    return f"{local:%Y-%m-%d %H:%M} {name}"
