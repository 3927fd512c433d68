"""Tests of the scoring rules: points, streaks, and week/month bounds in the guild's timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules.scoring import (
    advance_streak,
    live_streak,
    period_bounds,
    points_for,
    streaks_from_history,
)

LA = ZoneInfo("America/Los_Angeles")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14, the earliest timezone
PARIS = ZoneInfo("Europe/Paris")
ASUNCION = ZoneInfo("America/Asuncion")  # changed its clocks at midnight
TEHRAN = ZoneInfo("Asia/Tehran")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("score", "points"),
    [(0.0, 0), (1.0, 10), (0.75, 8), (6 / 8, 8), (0.5, 5), (1 / 3, 3), (0.25, 2), (0.04, 0), (0.96, 10)],
)
def test_points_are_the_score_times_ten_rounded(score: float, points: int) -> None:
    assert points_for(score) == points


@pytest.mark.parametrize("score", [-0.1, 1.01, float("nan")])
def test_points_refuse_a_score_outside_zero_to_one(score: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        points_for(score)


def test_a_streak_grows_when_the_previous_post_was_answered_and_restarts_otherwise() -> None:
    assert advance_streak(0, 0, answered_previous_post=False) == (1, 1)
    assert advance_streak(1, 1, answered_previous_post=True) == (2, 2)
    assert advance_streak(5, 5, answered_previous_post=False) == (1, 5)
    assert advance_streak(2, 5, answered_previous_post=True) == (3, 5)


def test_an_answer_that_earns_nothing_ends_the_streak_and_keeps_the_best() -> None:
    assert advance_streak(4, 6, answered_previous_post=True, earned=False) == (0, 6)
    # The next answer with points starts again at 1, even though the previous post was answered (with 0).
    assert advance_streak(0, 6, answered_previous_post=True) == (1, 6)
    assert streaks_from_history([True, True, False, True]) == (1, 2)


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([], (0, 0)),
        ([False, False], (0, 0)),
        ([True], (1, 1)),
        ([True, True, False, True], (1, 2)),
        ([True, True, True, False, True, True], (2, 3)),
        ([True, True, False, False], (2, 2)),  # the run ends at the last answered post
        ([False, True, True, True], (3, 3)),
    ],
)
def test_streaks_from_history(history: list[bool], expected: tuple[int, int]) -> None:
    assert streaks_from_history(history) == expected


def test_the_live_streak_is_zero_once_a_post_was_missed() -> None:
    assert live_streak(4, posts_since_last_answer=0, newest_post_open=False) == 4
    assert live_streak(4, posts_since_last_answer=1, newest_post_open=True) == 4  # can still answer today
    assert live_streak(4, posts_since_last_answer=1, newest_post_open=False) == 0
    assert live_streak(4, posts_since_last_answer=2, newest_post_open=True) == 0


def test_weeks_start_on_monday_at_midnight_local_time_across_spring_forward() -> None:
    # Los Angeles moved from PST (-8) to PDT (-7) on Sunday 10 March 2024.
    start, end = period_bounds("week", utc(2024, 3, 8, 12), LA)
    assert start == utc(2024, 3, 4, 8)  # Monday 4 March 00:00 PST
    assert end == utc(2024, 3, 11, 7)  # Monday 11 March 00:00 PDT
    assert end - start == timedelta(hours=167)
    # Sunday 23:59:59 PDT is still that week; Monday 00:00 PDT starts the next.
    assert period_bounds("week", utc(2024, 3, 11, 6, 59, 59), LA)[0] == start
    assert period_bounds("week", utc(2024, 3, 11, 7), LA)[0] == end


def test_a_week_across_fall_back_is_169_hours() -> None:
    start, end = period_bounds("week", utc(2024, 10, 30, 12), PARIS)
    assert start == utc(2024, 10, 27, 23)  # Monday 28 October 00:00 CET (+1)
    start, end = period_bounds("week", utc(2024, 10, 25, 12), PARIS)
    assert (start, end) == (utc(2024, 10, 20, 22), utc(2024, 10, 27, 23))
    assert end - start == timedelta(hours=169)


def test_months_start_on_the_first_at_midnight_in_a_timezone_far_ahead_of_utc() -> None:
    # 1 March 2024 00:00 in Kiritimati (+14) is 29 February 10:00 UTC.
    assert period_bounds("month", utc(2024, 2, 29, 9, 59, 59), KIRITIMATI) == (
        utc(2024, 1, 31, 10),
        utc(2024, 2, 29, 10),
    )
    assert period_bounds("month", utc(2024, 2, 29, 10), KIRITIMATI) == (
        utc(2024, 2, 29, 10),
        utc(2024, 3, 31, 10),
    )


def test_a_month_across_a_dst_change_and_the_turn_of_the_year() -> None:
    assert period_bounds("month", utc(2024, 3, 15), PARIS) == (utc(2024, 2, 29, 23), utc(2024, 3, 31, 22))
    assert period_bounds("month", utc(2024, 12, 31, 23, 30), PARIS) == (
        utc(2024, 12, 31, 23),
        utc(2025, 1, 31, 23),
    )
    assert period_bounds("month", utc(2024, 12, 31, 22, 59), PARIS)[0] == utc(2024, 11, 30, 23)


def test_a_skipped_midnight_starts_the_period_when_clocks_jump() -> None:
    # Asunción jumped from 00:00 -04 to 01:00 -03 on Sunday 1 October 2023: October began at 04:00 UTC.
    assert period_bounds("month", utc(2023, 10, 10), ASUNCION) == (utc(2023, 10, 1, 4), utc(2023, 11, 1, 3))
    assert period_bounds("month", utc(2023, 10, 1, 3, 59), ASUNCION)[0] == utc(2023, 9, 1, 4)
    # Tehran jumped from 00:00 +03:30 to 01:00 +04:30 on Monday 22 March 2021.
    assert period_bounds("week", utc(2021, 3, 23), TEHRAN)[0] == utc(2021, 3, 21, 20, 30)


def test_all_time_has_no_bounds_and_naive_times_are_refused() -> None:
    assert period_bounds("all", utc(2024, 1, 1), PARIS) == (None, None)
    with pytest.raises(ValueError, match="aware"):
        period_bounds("week", datetime(2024, 1, 1), PARIS)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="unknown period"):
        period_bounds("year", utc(2024, 1, 1), PARIS)  # type: ignore[arg-type]
