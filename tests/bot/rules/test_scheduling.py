"""Tests of the scheduling rules: parsing, DST-correct slots, what is due after downtime, retries, cards."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules.scheduling import (
    MAX_POST_ATTEMPTS,
    EmptyDeckError,
    PostDue,
    RevealDue,
    Schedule,
    ScheduleError,
    answer_window_from_hours,
    choose_card,
    closes_at,
    due_actions,
    format_local,
    latest_slot,
    local_to_utc,
    next_slot,
    parse_days,
    parse_post_time,
    parse_timezone,
    retry_delay,
    reveal_due,
    should_retry,
)

MONTREAL = ZoneInfo("America/Montreal")
PARIS = ZoneInfo("Europe/Paris")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14, no DST
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")  # UTC-11, no DST
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WINDOW = timedelta(hours=12)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(
    tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz, fold=fold)


def schedule(
    at: str = "08:00", tz: ZoneInfo = MONTREAL, days: frozenset[int] = EVERY_DAY, window: timedelta = WINDOW
) -> Schedule:
    return Schedule(post_time=parse_post_time(at), timezone=tz, days=days, answer_window=window)


# ---------------------------------------------------------------------------------------------------------
# Parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", time(8, 0)),
        ("8:00", time(8, 0)),
        (" 17:30 ", time(17, 30)),
        ("17h30", time(17, 30)),
        ("8h", time(8, 0)),
        ("8 h 15", time(8, 15)),
        ("8", time(8, 0)),
        ("0800", time(8, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("8am", time(8, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("5:30 pm", time(17, 30)),
        ("5:30 P.M.", time(17, 30)),
    ],
)
def test_parse_post_time_accepts_common_spellings(text: str, expected: time) -> None:
    assert parse_post_time(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "scheduling.error.time_format"),
        ("abc", "scheduling.error.time_format"),
        ("8:5", "scheduling.error.time_format"),
        ("8:", "scheduling.error.time_format"),
        ("08:00:00", "scheduling.error.time_format"),
        ("-1:00", "scheduling.error.time_format"),
        ("25:00", "scheduling.error.time_range"),
        ("24:00", "scheduling.error.time_range"),
        ("08:60", "scheduling.error.time_range"),
        ("13pm", "scheduling.error.time_range"),
        ("0am", "scheduling.error.time_range"),
    ],
)
def test_parse_post_time_rejects_with_a_clear_message(text: str, key: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_post_time(text)
    error = caught.value
    assert error.key == key
    # What was wrong (the input), and an example of a right value, in both languages.
    assert f"“{text.strip()}”" in str(error)
    assert "08:00" in str(error)
    assert f"«\u00a0{text.strip()}\u00a0»" in error.message("fr")
    assert "08:00" in error.message("fr")


def test_parse_errors_cut_long_input() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_post_time("x" * 500)
    assert len(str(caught.value)) < 200
    assert "…" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon,wed,fri", {0, 2, 4}),
        ("lun,mer,ven", {0, 2, 4}),
        ("Lundi, Mercredi, Vendredi", {0, 2, 4}),
        ("lun. mer. ven.", {0, 2, 4}),
        ("mondays; fridays", {0, 4}),
        ("tue/thu", {1, 3}),
        ("tues thurs", {1, 3}),
        ("sa di", {5, 6}),
        ("weekdays", WEEKDAYS),
        ("semaine", WEEKDAYS),
        ("en semaine", WEEKDAYS),
        ("weekend", {5, 6}),
        ("fin de semaine", {5, 6}),
        ("all", EVERY_DAY),
        ("tous", EVERY_DAY),
        ("daily", EVERY_DAY),
        ("TOUS LES JOURS", EVERY_DAY),
        ("1-5", WEEKDAYS),
        ("1,3,5", {0, 2, 4}),
        ("7", {6}),
        ("mon-fri", WEEKDAYS),
        ("lun-ven", WEEKDAYS),
        ("fri-mon", {4, 5, 6, 0}),
        ("6-2", {5, 6, 0, 1}),
        ("mon, weekend", {0, 5, 6}),
        ("mon,mon,,mon", {0}),
    ],
)
def test_parse_days_accepts_names_numbers_ranges_and_words(text: str, expected: set[int]) -> None:
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "key", "shown"),
    [
        ("", "scheduling.error.days_empty", None),
        ("   ", "scheduling.error.days_empty", None),
        (",,;", "scheduling.error.days_empty", None),
        ("moon", "scheduling.error.days_unknown", "moon"),
        ("mon,funday", "scheduling.error.days_unknown", "funday"),
        ("s", "scheduling.error.days_unknown", "s"),  # Saturday or Sunday: ambiguous
        ("mon-xyz", "scheduling.error.days_unknown", "mon-xyz"),
        ("0", "scheduling.error.days_number", "0"),
        ("8", "scheduling.error.days_number", "8"),
        ("1-9", "scheduling.error.days_number", "9"),
    ],
)
def test_parse_days_rejects_with_a_clear_message(text: str, key: str, shown: str | None) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_days(text)
    error = caught.value
    assert error.key == key
    if shown is not None:
        assert f"“{shown}”" in str(error)
        assert f"«\u00a0{shown}\u00a0»" in error.message("fr")
    # An example of a right value.
    assert "1-5" in str(error) and "1-5" in error.message("fr")
    if key != "scheduling.error.days_number":
        assert "mon,wed,fri" in str(error) and "lun,mer,ven" in error.message("fr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("America/Montreal", "America/Montreal"),
        ("america/montreal", "America/Montreal"),
        ("  Europe/Paris ", "Europe/Paris"),
        ("America/New York", "America/New_York"),
        ("UTC", "UTC"),
        ("Pacific/Kiritimati", "Pacific/Kiritimati"),
    ],
)
def test_parse_timezone_accepts_iana_names(text: str, expected: str) -> None:
    assert parse_timezone(text) == ZoneInfo(expected)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Europe/Pari", "Europe/Paris"),
        ("Montreal", "America/Montreal"),
        ("america/montral", "America/Montreal"),
    ],
)
def test_parse_timezone_suggests_close_names(text: str, suggestion: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(text)
    error = caught.value
    assert error.key == "scheduling.error.timezone_suggest"
    assert f"“{text}”" in str(error)
    assert suggestion in str(error)
    assert suggestion in error.message("fr")
    assert "Vouliez-vous dire" in error.message("fr")


@pytest.mark.parametrize(
    "text", ["", "Nowhere/Atlantis", "localtime", "Factory", "../../etc/passwd", "EST+5"]
)
def test_parse_timezone_rejects_unknown_names(text: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(text)
    error = caught.value
    assert error.key in {"scheduling.error.timezone_unknown", "scheduling.error.timezone_suggest"}
    assert "America/Montreal" in str(error)  # an example of a right value
    assert "America/Montreal" in error.message("fr")


def test_answer_window_from_hours() -> None:
    assert answer_window_from_hours(12) == timedelta(hours=12)
    assert answer_window_from_hours(1.5) == timedelta(minutes=90)
    for bad in (0, 0.5, -3, 169, float("nan"), float("inf")):
        with pytest.raises(ScheduleError) as caught:
            answer_window_from_hours(bad)
        assert "between 1 and 168 hours" in str(caught.value)
        assert "entre 1 et 168 heures" in caught.value.message("fr")


def test_schedule_validates_its_fields() -> None:
    assert schedule(days=frozenset({0})).days == frozenset({0})
    assert Schedule(time(8), MONTREAL, {0, 2}, WINDOW).days == frozenset({0, 2})  # type: ignore[arg-type]
    with pytest.raises(ScheduleError):
        Schedule(time(8), MONTREAL, frozenset(), WINDOW)
    with pytest.raises(ValueError, match="weekday numbers"):
        Schedule(time(8), MONTREAL, frozenset({7}), WINDOW)
    with pytest.raises(ValueError, match="wall-clock"):
        Schedule(time(8, tzinfo=UTC), MONTREAL, EVERY_DAY, WINDOW)
    with pytest.raises(ValueError, match="positive"):
        Schedule(time(8), MONTREAL, EVERY_DAY, timedelta(0))


# ---------------------------------------------------------------------------------------------------------
# Slots


def test_next_slot_is_strictly_after_and_latest_slot_is_at_or_before() -> None:
    s = schedule()
    slot = local(MONTREAL, 2024, 5, 14, 8, 0).astimezone(UTC)
    assert next_slot(s, slot - timedelta(seconds=1)) == slot
    assert next_slot(s, slot) == slot + timedelta(days=1)
    assert latest_slot(s, slot) == slot
    assert latest_slot(s, slot - timedelta(microseconds=1)) == slot - timedelta(days=1)
    assert next_slot(s, slot).tzinfo is UTC
    assert latest_slot(s, slot + timedelta(hours=3)) == slot


def test_days_filtering_skips_to_the_next_allowed_day() -> None:
    s = schedule(days=WEEKDAYS)
    friday_after_post = local(MONTREAL, 2024, 5, 17, 9, 0)
    assert next_slot(s, friday_after_post) == local(MONTREAL, 2024, 5, 20, 8, 0)  # Monday
    sunday = local(MONTREAL, 2024, 5, 19, 12, 0)
    assert latest_slot(s, sunday) == local(MONTREAL, 2024, 5, 17, 8, 0)  # Friday
    s = schedule(days=parse_days("wed"))
    assert next_slot(s, local(MONTREAL, 2024, 5, 15, 8, 0)) == local(MONTREAL, 2024, 5, 22, 8, 0)


def test_montreal_spring_forward() -> None:
    # 2024-03-10: clocks jump from 02:00 EST to 03:00 EDT (07:00 UTC).
    s = schedule("08:00")
    assert next_slot(s, utc(2024, 3, 9, 0)) == utc(2024, 3, 9, 13, 0)  # 08:00 EST
    assert next_slot(s, utc(2024, 3, 9, 13, 0)) == utc(2024, 3, 10, 12, 0)  # 08:00 EDT: still 08:00 local
    # 02:30 does not exist that day: moved forward to the first valid instant, 03:00 EDT.
    s = schedule("02:30")
    assert next_slot(s, utc(2024, 3, 9, 12)) == utc(2024, 3, 10, 7, 0)
    assert next_slot(s, utc(2024, 3, 10, 7, 0)) == utc(2024, 3, 11, 6, 30)  # 02:30 EDT the next day
    assert latest_slot(s, utc(2024, 3, 10, 12)) == utc(2024, 3, 10, 7, 0)
    assert format_local(utc(2024, 3, 10, 7, 0), MONTREAL) == "2024-03-10 03:00 EDT"


def test_montreal_fall_back() -> None:
    # 2024-11-03: clocks go back from 02:00 EDT to 01:00 EST (06:00 UTC); 01:30 happens twice.
    s = schedule("01:30")
    first = utc(2024, 11, 3, 5, 30)  # 01:30 EDT
    assert next_slot(s, utc(2024, 11, 2, 12)) == first
    # The repeated 01:30 (06:30 UTC) is not a second slot.
    assert next_slot(s, first) == utc(2024, 11, 4, 6, 30)
    assert latest_slot(s, utc(2024, 11, 3, 6, 45)) == first
    s = schedule("08:00")
    assert next_slot(s, utc(2024, 11, 2, 13)) == utc(2024, 11, 3, 13, 0)  # 08:00 EST


def test_paris_spring_forward_and_fall_back() -> None:
    s = schedule("08:00", tz=PARIS)
    assert next_slot(s, utc(2024, 3, 30, 0)) == utc(2024, 3, 30, 7, 0)  # CET
    assert next_slot(s, utc(2024, 3, 30, 7)) == utc(2024, 3, 31, 6, 0)  # CEST
    assert next_slot(s, utc(2024, 10, 26, 7)) == utc(2024, 10, 27, 7, 0)  # back to CET
    # 2024-03-31: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 moves to 03:00 CEST.
    s = schedule("02:30", tz=PARIS)
    assert next_slot(s, utc(2024, 3, 30, 12)) == utc(2024, 3, 31, 1, 0)
    assert format_local(utc(2024, 3, 31, 1, 0), PARIS) == "2024-03-31 03:00 CEST"
    # 2024-10-27: 03:00 CEST goes back to 02:00 CET; 02:30 is taken at its first occurrence (CEST).
    assert next_slot(s, utc(2024, 10, 26, 12)) == utc(2024, 10, 27, 0, 30)
    assert next_slot(s, utc(2024, 10, 27, 0, 30)) == utc(2024, 10, 28, 1, 30)


def test_far_ahead_of_utc_uses_the_local_weekday() -> None:
    # Kiritimati is UTC+14: Monday 08:00 there is Sunday 18:00 UTC.
    s = schedule("08:00", tz=KIRITIMATI, days=WEEKDAYS)
    sunday_noon_utc = utc(2024, 5, 19, 12)  # already Monday 02:00 in Kiritimati
    assert next_slot(s, sunday_noon_utc) == utc(2024, 5, 19, 18, 0)
    # Friday 08:00 local is Thursday 18:00 UTC; the next slot is Monday local, Sunday UTC.
    assert next_slot(s, utc(2024, 5, 23, 18, 0)) == utc(2024, 5, 26, 18, 0)
    assert format_local(utc(2024, 5, 19, 18), KIRITIMATI) == "2024-05-20 08:00 UTC+14"


def test_far_behind_utc_uses_the_local_weekday() -> None:
    # Pago Pago is UTC-11: Friday 20:00 there is Saturday 07:00 UTC.
    s = schedule("20:00", tz=PAGO_PAGO, days=WEEKDAYS)
    assert latest_slot(s, utc(2024, 5, 25, 10)) == utc(2024, 5, 25, 7, 0)
    assert next_slot(s, utc(2024, 5, 25, 7, 0)) == utc(2024, 5, 28, 7, 0)  # Monday 20:00 local
    assert format_local(utc(2024, 5, 25, 7), PAGO_PAGO) == "2024-05-24 20:00 SST"


def test_a_day_skipped_by_the_zone_still_gives_one_slot() -> None:
    # Samoa skipped 2011-12-30 entirely (23:59:59 on the 29th was followed by 00:00 on the 31st).
    apia = ZoneInfo("Pacific/Apia")
    s = schedule("08:00", tz=apia)
    slots = [next_slot(s, utc(2011, 12, 28, 0))]
    for _ in range(3):
        slots.append(next_slot(s, slots[-1]))
    assert [slot.astimezone(apia) for slot in slots] == [
        local(apia, 2011, 12, 28, 8),
        local(apia, 2011, 12, 29, 8),
        local(apia, 2011, 12, 31, 0),  # the 30th's slot, moved to the first instant after the gap
        local(apia, 2011, 12, 31, 8),
    ]


SWEEP_ZONES = [
    "America/Montreal",
    "Europe/Paris",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "America/Santiago",  # DST changes at midnight
    "Asia/Kathmandu",
    "UTC",
]


@pytest.mark.parametrize("zone", SWEEP_ZONES)
@pytest.mark.parametrize("at", ["00:00", "00:30", "01:30", "02:00", "02:30", "08:00", "23:59"])
def test_slots_over_a_year_follow_the_rules(zone: str, at: str) -> None:
    """A property check over a year: every slot is the first instant showing the post time or later."""
    tz = ZoneInfo(zone)
    post_time = parse_post_time(at)
    s = schedule(at, tz=tz, days=frozenset({0, 1, 3, 6}))
    slot = next_slot(s, utc(2024, 1, 1))
    previous: datetime | None = None
    dates: set[date] = set()
    while slot < utc(2025, 1, 1):
        wall = slot.astimezone(tz)
        target = datetime.combine(wall.date(), post_time)
        # Nonexistent times move forward to the end of the gap, so the local date never changes here.
        assert wall.replace(tzinfo=None) >= target
        assert (slot - timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None) < target
        assert wall.weekday() in s.days
        assert wall.date() not in dates
        dates.add(wall.date())
        assert latest_slot(s, slot) == slot
        if previous is not None:
            assert slot > previous
            assert latest_slot(s, slot - timedelta(microseconds=1)) == previous
        previous, slot = slot, next_slot(s, slot)
    assert len(dates) in {208, 209, 210}  # four days a week


def test_local_to_utc_documents_the_dst_choices() -> None:
    # Ambiguous: the first occurrence. Nonexistent: the end of the gap.
    # (Compared in UTC: Python never calls an ambiguous local time equal to an instant of another zone.)
    first = local(MONTREAL, 2024, 11, 3, 1, 30, fold=0).astimezone(UTC)
    assert first == utc(2024, 11, 3, 5, 30)
    assert local_to_utc(date(2024, 11, 3), time(1, 30), MONTREAL) == first
    assert local_to_utc(date(2024, 3, 10), time(2, 0), MONTREAL) == utc(2024, 3, 10, 7, 0)
    assert local_to_utc(date(2024, 3, 10), time(2, 59), MONTREAL) == utc(2024, 3, 10, 7, 0)
    assert local_to_utc(date(2024, 3, 10), time(3, 0), MONTREAL) == utc(2024, 3, 10, 7, 0)


def test_naive_datetimes_are_refused() -> None:
    s = schedule()
    naive = datetime(2024, 5, 14, 8)  # noqa: DTZ001 - the point of the test
    for call in (
        lambda: next_slot(s, naive),
        lambda: latest_slot(s, naive),
        lambda: closes_at(naive, s),
        lambda: due_actions(s, naive, last_post_slot=None, paused=False, created_at=utc(2024, 1, 1)),
        lambda: due_actions(s, utc(2024, 5, 14), last_post_slot=None, paused=False, created_at=naive),
        lambda: format_local(naive, MONTREAL),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


# ---------------------------------------------------------------------------------------------------------
# What is due

CREATED = utc(2024, 1, 1)


def due(s: Schedule, now: datetime, last: datetime | None, **kwargs: object) -> list[object]:
    options: dict[str, object] = {"paused": False, "created_at": CREATED, **kwargs}
    return list(due_actions(s, now, last_post_slot=last, **options))  # type: ignore[arg-type]


def test_posts_at_the_slot_and_not_before() -> None:
    s = schedule()
    slot = local(MONTREAL, 2024, 5, 14, 8).astimezone(UTC)
    assert due(s, slot - timedelta(seconds=1), last=slot - timedelta(days=1)) == []
    assert due(s, slot, last=slot - timedelta(days=1)) == [
        PostDue(slot=slot, closes_at=slot + WINDOW, delay=timedelta(0))
    ]
    # Once posted, nothing more is due, however often the loop ticks or the bot restarts.
    for minutes in (0, 1, 60, 600):
        assert due(s, slot + timedelta(minutes=minutes), last=slot) == []


def test_catches_up_once_after_downtime() -> None:
    s = schedule()
    slot = local(MONTREAL, 2024, 5, 14, 8).astimezone(UTC)
    back = slot + timedelta(hours=2)  # the bot was down at 08:00 and is back at 10:00
    actions = due(s, back, last=slot - timedelta(days=1))
    assert actions == [PostDue(slot=slot, closes_at=back + WINDOW, delay=timedelta(hours=2))]
    # After it posted (the store records the slot), a restart at 10:05 posts nothing.
    assert due(s, back + timedelta(minutes=5), last=slot) == []


def test_a_slot_older_than_the_window_is_skipped() -> None:
    s = schedule()
    slot = local(MONTREAL, 2024, 5, 14, 8).astimezone(UTC)
    yesterday = slot - timedelta(days=1)
    assert due(s, slot + WINDOW - timedelta(seconds=1), last=yesterday) != []
    assert due(s, slot + WINDOW, last=yesterday) == []
    assert due(s, slot + timedelta(hours=20), last=yesterday) == []
    # The next day's slot posts normally.
    assert due(s, slot + timedelta(days=1), last=yesterday)[0].slot == slot + timedelta(days=1)  # type: ignore[attr-defined]


def test_no_backlog_after_days_offline() -> None:
    s = schedule(days=WEEKDAYS)
    monday = local(MONTREAL, 2024, 5, 13, 8).astimezone(UTC)
    thursday = local(MONTREAL, 2024, 5, 16, 8).astimezone(UTC)
    # Back on Thursday at 09:00 after three days offline: only Thursday's question.
    actions = due(s, thursday + timedelta(hours=1), last=monday)
    assert [action.slot for action in actions] == [thursday]  # type: ignore[attr-defined]
    # Back on Thursday at 07:00: Wednesday's slot is 23 hours old, past its window: nothing until 08:00.
    assert due(s, thursday - timedelta(hours=1), last=monday) == []
    # Back on a Saturday: Friday's slot is too old and Saturday is not a posting day.
    saturday = local(MONTREAL, 2024, 5, 18, 12).astimezone(UTC)
    assert due(s, saturday, last=monday) == []


def test_nothing_before_the_guild_was_set_up() -> None:
    s = schedule()
    slot = local(MONTREAL, 2024, 5, 14, 8).astimezone(UTC)
    assert due(s, slot + timedelta(hours=1), last=None, created_at=slot + timedelta(minutes=30)) == []
    assert due(s, slot + timedelta(hours=1), last=None, created_at=slot) != []
    assert due(s, slot + timedelta(hours=1), last=None, created_at=slot - timedelta(minutes=30)) != []
    # Set up at 08:30: the first question is tomorrow's.
    assert next_slot(s, slot + timedelta(minutes=30)) == slot + timedelta(days=1)


def test_paused_guilds_post_nothing_but_still_reveal() -> None:
    s = schedule()
    slot = local(MONTREAL, 2024, 5, 14, 8).astimezone(UTC)
    assert due(s, slot, last=slot - timedelta(days=1), paused=True) == []
    open_deadline = slot - timedelta(hours=2)
    assert due(s, slot, last=slot - timedelta(days=1), paused=True, open_closes_at=open_deadline) == [
        RevealDue(closes_at=open_deadline)
    ]
    # Resuming catches up the slot missed while paused, unless the resume time is passed as created_at.
    resumed = slot + timedelta(hours=1)
    assert due(s, resumed, last=slot - timedelta(days=1)) != []
    assert due(s, resumed, last=slot - timedelta(days=1), created_at=resumed) == []


def test_reveal_comes_at_the_deadline_and_before_the_next_post() -> None:
    s = schedule()
    slot = local(MONTREAL, 2024, 5, 14, 8).astimezone(UTC)
    deadline = closes_at(slot, s)
    assert deadline == slot + WINDOW
    assert due(s, deadline - timedelta(seconds=1), last=slot, open_closes_at=deadline) == []
    assert due(s, deadline, last=slot, open_closes_at=deadline) == [RevealDue(closes_at=deadline)]
    # A deadline set later than the next slot (say by a manual post) is cut short by that post, reveal first.
    late_deadline = slot + timedelta(days=2)
    tomorrow = slot + timedelta(days=1)
    actions = due(s, tomorrow, last=slot, open_closes_at=late_deadline)
    assert actions == [
        RevealDue(closes_at=late_deadline, early=True),
        PostDue(slot=tomorrow, closes_at=tomorrow + WINDOW, delay=timedelta(0)),
    ]


def test_reveal_due_helper() -> None:
    now = utc(2024, 5, 14, 20)
    assert reveal_due(now, None, now)
    assert reveal_due(now - timedelta(hours=3), None, now)
    assert not reveal_due(now + timedelta(seconds=1), None, now)
    assert not reveal_due(now - timedelta(hours=3), now - timedelta(hours=2), now)
    assert not reveal_due(None, None, now)


def test_closes_at_is_capped_at_the_next_slot() -> None:
    s = schedule(window=timedelta(hours=30))
    slot = local(MONTREAL, 2024, 5, 14, 8).astimezone(UTC)
    assert closes_at(slot, s) == slot + timedelta(days=1)
    # A manual post ten minutes before a slot closes at that slot.
    assert closes_at(slot - timedelta(minutes=10), s) == slot
    s = schedule(days=parse_days("mon"), window=timedelta(hours=30))
    monday = local(MONTREAL, 2024, 5, 13, 8).astimezone(UTC)
    assert closes_at(monday, s) == monday + timedelta(hours=30)


def test_a_simulated_month_with_outages_posts_each_reachable_slot_once() -> None:
    """Drive the rules as the bot's loop would, ticking every 7 minutes, through outages and a DST change."""
    s = schedule("08:00", tz=PARIS, days=parse_days("mon-fri"), window=timedelta(hours=10))
    start = utc(2024, 3, 1)
    end = utc(2024, 4, 15)  # across the Paris spring-forward on March 31
    outages = [
        (utc(2024, 3, 4, 6), utc(2024, 3, 4, 9)),  # down over Monday's slot, back within its window
        (utc(2024, 3, 6, 0), utc(2024, 3, 8, 20)),  # Wednesday to Friday evening: Wed/Thu/Fri lost
        (utc(2024, 3, 12, 16), utc(2024, 3, 12, 19)),  # over Tuesday's deadline (17:00 UTC): a late reveal
        (utc(2024, 3, 29, 5), utc(2024, 4, 2, 5)),  # Easter, over the DST change: Friday and Monday lost
    ]
    posts: list[tuple[datetime, datetime]] = []  # (slot, posted at)
    reveals: dict[datetime, timedelta] = {}  # deadline: how long after it the reveal came
    last: datetime | None = None
    open_deadline: datetime | None = None
    now = start
    while now < end:
        if not any(down <= now < up for down, up in outages):
            for action in due_actions(
                s, now, last_post_slot=last, paused=False, created_at=start, open_closes_at=open_deadline
            ):
                if isinstance(action, RevealDue):
                    reveals[action.closes_at] = now - action.closes_at
                    open_deadline = None
                else:
                    posts.append((action.slot, now))
                    last, open_deadline = action.slot, action.closes_at
        now += timedelta(minutes=7)
    slots = [slot for slot, _ in posts]
    assert len(slots) == len(set(slots))
    local_days = [slot.astimezone(PARIS).date() for slot in slots]
    expected_days = [
        day
        for day in (date(2024, 3, 1) + timedelta(days=n) for n in range(45))
        if day.weekday() < 5
        and day
        not in {date(2024, 3, 6), date(2024, 3, 7), date(2024, 3, 8), date(2024, 3, 29), date(2024, 4, 1)}
    ]
    assert local_days == expected_days
    assert all(slot.astimezone(PARIS).time() == time(8) for slot in slots)
    # Monday March 4 was posted late, at the first tick after 09:00 UTC; the others within a tick of 08:00.
    delays = {slot.astimezone(PARIS).date(): posted - slot for slot, posted in posts}
    assert timedelta(hours=2) <= delays[date(2024, 3, 4)] < timedelta(hours=2, minutes=7)
    assert all(delay < timedelta(minutes=7) for day, delay in delays.items() if day != date(2024, 3, 4))
    # Every question was revealed once: at its deadline (within a tick), or when the bot came back.
    assert len(reveals) == len(posts)
    # Deadlines count from the tick that posted: 10 hours after 07:00 UTC and a few minutes.
    (late_deadline,) = [deadline for deadline in reveals if deadline.date() == date(2024, 3, 12)]
    assert timedelta(hours=2) <= reveals[late_deadline] < timedelta(hours=2, minutes=7)
    assert all(
        timedelta(0) <= late < timedelta(minutes=7) for d, late in reveals.items() if d != late_deadline
    )


# ---------------------------------------------------------------------------------------------------------
# Retries


def test_retry_backoff_is_bounded() -> None:
    assert [retry_delay(n) for n in range(6)] == [
        timedelta(0),
        timedelta(minutes=2),
        timedelta(minutes=6),
        timedelta(minutes=18),
        timedelta(minutes=54),
        timedelta(hours=1),
    ]
    assert retry_delay(20) == timedelta(hours=1)


def test_should_retry() -> None:
    failed = utc(2024, 5, 14, 12)
    assert should_retry(0, None, failed)
    assert not should_retry(1, failed, failed + timedelta(minutes=1))
    assert should_retry(1, failed, failed + timedelta(minutes=2))
    assert not should_retry(3, failed, failed + timedelta(minutes=17))
    assert should_retry(3, failed, failed + timedelta(minutes=18))
    assert should_retry(MAX_POST_ATTEMPTS - 1, failed, failed + timedelta(hours=2))
    assert not should_retry(MAX_POST_ATTEMPTS, failed, failed + timedelta(days=3))
    assert not should_retry(MAX_POST_ATTEMPTS, None, failed)


def test_retries_then_gives_up() -> None:
    failures, last_failure = 0, None
    now = utc(2024, 5, 14, 12)
    attempts = []
    while now < utc(2024, 5, 15):
        if should_retry(failures, last_failure, now):
            attempts.append(now)
            failures, last_failure = failures + 1, now  # every attempt fails: no permission
        now += timedelta(minutes=1)
    assert len(attempts) == MAX_POST_ATTEMPTS
    assert [b - a for a, b in itertools.pairwise(attempts)] == [timedelta(minutes=m) for m in (2, 6, 18, 54)]


# ---------------------------------------------------------------------------------------------------------
# Card order


def run_posts(card_ids: list[int], count: int, seed: int) -> list[int]:
    history: list[int] = []
    for _ in range(count):
        history.append(choose_card(card_ids, history, seed=seed))
    return history


def test_cards_do_not_repeat_until_the_deck_is_exhausted() -> None:
    cards = list(range(100, 112))
    history = run_posts(cards, 12 * 4, seed=123456789012345678)
    for cycle in range(4):
        assert sorted(history[cycle * 12 : (cycle + 1) * 12]) == cards
    # Cycles are shuffled differently.
    assert len({tuple(history[c * 12 : (c + 1) * 12]) for c in range(4)}) == 4


def test_card_order_is_deterministic_per_seed_and_differs_between_guilds() -> None:
    cards = list(range(20))
    assert run_posts(cards, 30, seed=1) == run_posts(cards, 30, seed=1)
    assert run_posts(cards, 20, seed=1) != run_posts(cards, 20, seed=2)
    # The input order of card ids does not matter, only the set.
    assert run_posts(cards, 20, seed=7) == run_posts(cards[::-1], 20, seed=7)


def test_no_card_twice_in_a_row_across_cycles() -> None:
    for seed in range(200):
        history = run_posts([1, 2, 3], 12, seed=seed)
        assert all(a != b for a, b in itertools.pairwise(history)), (seed, history)
        for cycle in range(4):
            assert sorted(history[cycle * 3 : cycle * 3 + 3]) == [1, 2, 3]


def test_card_choice_with_deck_changes() -> None:
    assert choose_card([5], [5, 5, 5], seed=1) == 5
    assert choose_card([5, 5, 5], [], seed=1) == 5
    # Cards removed from the deck are ignored; the new card joins the current cycle.
    history = [1, 2, 99]
    for _ in range(3):
        history.append(choose_card([1, 2, 3, 4, 7], history, seed=9))
    assert sorted(history[3:]) == [3, 4, 7]
    # A random history: whatever it holds, the choice is a card of the deck not seen in the current cycle.
    rng = random.Random(0)
    for _ in range(100):
        deck = rng.sample(range(50), rng.randint(1, 10))
        past = [rng.choice(range(50)) for _ in range(rng.randint(0, 30))]
        assert choose_card(deck, past, seed=rng.randint(0, 10**18)) in deck


def test_empty_deck_is_a_clear_error() -> None:
    with pytest.raises(EmptyDeckError) as caught:
        choose_card([], [1, 2], seed=1)
    assert isinstance(caught.value, ScheduleError)
    assert "no cards" in str(caught.value)
    assert "aucune carte" in caught.value.message("fr")


# ---------------------------------------------------------------------------------------------------------
# Showing times


def test_format_local() -> None:
    assert format_local(utc(2024, 1, 15, 13), MONTREAL) == "2024-01-15 08:00 EST"
    assert format_local(utc(2024, 7, 15, 12), MONTREAL) == "2024-07-15 08:00 EDT"
    assert format_local(utc(2024, 7, 15, 12), ZoneInfo("Asia/Kathmandu")) == "2024-07-15 17:45 UTC+5:45"
    assert format_local(utc(2024, 7, 15, 12), ZoneInfo("America/Sao_Paulo")) == "2024-07-15 09:00 UTC-3"
    assert format_local(utc(2024, 7, 15, 12), ZoneInfo("UTC")) == "2024-07-15 12:00 UTC"


@pytest.mark.parametrize(
    ("text", "city", "etc"),
    [
        ("EST", "America/Toronto", "Etc/GMT+5"),  # tzdata knows EST: UTC−5 all year, an hour off in summer
        ("est", "America/New_York", "Etc/GMT+5"),
        ("CST", "America/Chicago", None),  # Chicago or Shanghai: no single fixed offset
        ("IST", "Asia/Kolkata", None),
        ("CET", "Europe/Paris", "Etc/GMT-1"),
        ("PST8PDT", "America/Los_Angeles", None),
    ],
)
def test_ambiguous_abbreviations_are_refused_with_city_zones(text: str, city: str, etc: str | None) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(text)
    error = caught.value
    for lang, summer in (("en", "summer time"), ("fr", "heure d'été")):
        message = error.message(lang)
        assert city in message and summer in message
        assert text in message
        if etc is None:
            assert "Etc/" not in message
        else:
            assert etc in message
    ZoneInfo(city)  # every suggestion is a real zone


@pytest.mark.parametrize(
    ("text", "city", "etc", "offset"),
    [
        ("UTC-5", "America/Montreal", "Etc/GMT+5", "UTC−5"),
        ("GMT+2", "Europe/Athens", "Etc/GMT-2", "UTC+2"),
        ("utc −4", "America/Halifax", "Etc/GMT+4", "UTC−4"),
        ("+01:00", "Europe/Paris", "Etc/GMT-1", "UTC+1"),
        ("UTC+5:30", "Asia/Kolkata", None, None),  # no Etc zone for half hours
    ],
)
def test_fixed_offsets_are_refused_with_a_city_and_the_etc_sign_explained(
    text: str, city: str, etc: str | None, offset: str | None
) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_timezone(text)
    english, french = caught.value.message("en"), caught.value.message("fr")
    assert city in english and city in french
    assert "fixed offset" in english and "décalage fixe" in french
    if etc is None:
        assert "Etc/" not in english
    else:
        assert f"{etc} is {offset}" in english and f"{etc} est {offset}" in french
        expected = -timedelta(hours=5) if etc == "Etc/GMT+5" else None
        if expected is not None:  # the explained sign is tzdata's: Etc/GMT+5 really is five hours behind
            assert ZoneInfo(etc).utcoffset(datetime(2026, 7, 1)) == expected  # noqa: DTZ001


def test_city_zones_and_deliberate_etc_zones_are_accepted() -> None:
    assert parse_timezone("Etc/GMT+5") == ZoneInfo("Etc/GMT+5")
    assert parse_timezone("US/Eastern") == ZoneInfo("US/Eastern")  # an alias that follows summer time
    assert parse_timezone("utc") == ZoneInfo("UTC")
