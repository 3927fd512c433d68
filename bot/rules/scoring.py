"""Scoring rules for the daily question: points for a graded answer, streaks, leaderboard periods.

Pure functions of their arguments (no clock, no database), so the store, the cogs and the tests share one
definition of what a point, a streak and "this week" mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Period = Literal["week", "month", "all"]
#: The leaderboards kept apart: the daily question, practice, the live quiz.
Category = Literal["daily", "practice", "quiz"]
CATEGORIES: tuple[Category, ...] = ("daily", "practice", "quiz")
PERIODS: tuple[Period, ...] = ("week", "month", "all")

#: Points for a perfect answer; a partial answer earns its share.
MAX_POINTS = 10


def points_for(score: float) -> int:
    """Points for a graded daily answer: ``round(score * 10)``, so 6 items of 8 (0.75) earn 8 points.

    Python's ``round`` rounds halves to even (0.25 → 2, 0.35 → 4); the rule is kept as written so every
    part of the bot agrees on it.
    """
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"a score is between 0 and 1, got {score!r}")
    return round(score * MAX_POINTS)


def advance_streak(
    streak: int, best: int, *, answered_previous_post: bool, earned: bool = True
) -> tuple[int, int]:
    """The member's (streak, best streak) after answering a post.

    A streak counts consecutive daily posts of the guild answered with at least one point: it grows by one
    when the member also earned points on the guild's immediately preceding post, and starts again at 1
    otherwise. An answer that earns nothing (``earned=False``) counts as no answer: the streak is 0.
    ``answered_previous_post`` means answered *with points* (a stored streak of 0 says it did not).
    """
    if not earned:
        return 0, best
    new_streak = streak + 1 if answered_previous_post and streak > 0 else 1
    return new_streak, max(best, new_streak)


def streaks_from_history(answered: Iterable[bool]) -> tuple[int, int]:
    """(streak, best streak) from a guild's posts in slot order, each flagged answered or not by the member.

    "Answered" means answered with at least one point: an answer that earns nothing breaks a run.

    The streak is the run of answered posts that ends at the member's last answered post (what
    ``advance_streak`` would have produced had the answers come in order). Used when an answer arrives
    for an older post than the member's last one, where counting forward is not enough.
    """
    run = best = last_run = 0
    for was_answered in answered:
        if was_answered:
            run += 1
            best = max(best, run)
            last_run = run
        else:
            run = 0
    return last_run, best


def live_streak(streak: int, *, posts_since_last_answer: int, newest_post_open: bool) -> int:
    """The streak to show now: the stored streak while it can still continue, else 0.

    The stored streak ends at the member's last answered post. It is still alive when no post came after
    that one, or when exactly one did and it is still open for answers.
    """
    if posts_since_last_answer == 0 or (posts_since_last_answer == 1 and newest_post_open):
        return streak
    return 0


def period_bounds(period: Period, now: datetime, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The UTC bounds [start, end) of the period containing ``now`` in the guild's timezone.

    Weeks start on Monday at 00:00 and months on the 1st at 00:00, local time; the bounds are computed on
    the local calendar and converted with zoneinfo, so a week that spans a DST change is 167 or 169 hours
    long. ``"all"`` has no bounds.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if period == "all":
        return None, None
    local = now.astimezone(tz)
    if period == "week":
        first_day = local.date() - timedelta(days=local.weekday())
        next_first_day = first_day + timedelta(days=7)
    elif period == "month":
        first_day = local.date().replace(day=1)
        next_first_day = (first_day + timedelta(days=32)).replace(day=1)
    else:
        raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")
    return _local_midnight_utc(first_day.year, first_day.month, first_day.day, tz), _local_midnight_utc(
        next_first_day.year, next_first_day.month, next_first_day.day, tz
    )


def _local_midnight_utc(year: int, month: int, day: int, tz: ZoneInfo) -> datetime:
    # fold=0 picks the earlier instant when midnight happens twice (a fall-back at 00:00) and, when
    # midnight is skipped (a spring-forward at 00:00), the instant the day actually starts.
    return datetime(year, month, day, tzinfo=tz).astimezone(UTC)
