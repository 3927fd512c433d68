"""Spaced repetition: ratings from partial credit, intervals that grow with good answers, card order."""

from datetime import UTC, datetime, timedelta

from fsrs import Rating

from bot.rules.spaced import practice_order, rating_for, review

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_partial_credit_maps_to_a_rating():
    assert rating_for(1.0) is Rating.Easy
    assert rating_for(0.75) is Rating.Good
    assert rating_for(0.4) is Rating.Hard
    assert rating_for(0.0) is Rating.Again


def test_a_good_answer_comes_back_later_than_a_bad_one():
    _, due_good = review(None, 1.0, NOW)
    _, due_bad = review(None, 0.0, NOW)
    assert due_good > due_bad > NOW


def test_state_round_trips_and_intervals_grow():
    state, first_due = review(None, 1.0, NOW)
    _, second_due = review(state, 1.0, first_due)
    assert second_due - first_due > first_due - NOW


def test_due_cards_first_then_new_then_later():
    due = {1: NOW + timedelta(days=3), 2: NOW - timedelta(days=1), 3: NOW - timedelta(days=5)}
    assert practice_order([1, 2, 3, 4, 5], due, NOW) == [3, 2, 4, 5, 1]
