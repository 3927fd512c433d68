"""Recording answers: totals and streaks, history, per-post statistics, CSV export, forgetting."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from store_support import GUILD, MONDAY, OTHER_GUILD, SAMPLE_DECK, MakePost

from bot.store import GuildSettings, InvalidValue, Post, Store

DAY = timedelta(days=1)


async def _week(make_post: MakePost, days: int = 6, guild_id: int = GUILD) -> list[Post]:
    return [await make_post(MONDAY + day * DAY, hours=20, guild_id=guild_id, card=day) for day in range(days)]


async def test_an_answer_counts_points_and_the_first_grade_stays(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    at = MONDAY + timedelta(minutes=3)
    first = await store.record_answer(post.id, 42, "Transparence\nrapidité", [1, 0, 1], 0.5, at)
    assert (first.points, first.matched, first.already_answered) == (5, (0, 1), False)
    assert (first.total_points, first.total_answers, first.streak, first.best_streak) == (5, 1, 1, 1)
    assert first.answered_at == at
    again = await store.record_answer(post.id, 42, "everything", [0, 1, 2, 3], 1.0, at + timedelta(minutes=1))
    assert again.already_answered and (again.score, again.points, again.matched) == (0.5, 5, (0, 1))
    assert again.answered_at == at and again.total_points == 5 and again.total_answers == 1
    assert await store.get_answer(post.id, 42) == again
    assert await store.get_answer(post.id, 43) is None


async def test_bad_grades_are_refused(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    with pytest.raises(ValueError, match="between 0 and 1"):
        await store.record_answer(post.id, 1, "x", [], 1.5, MONDAY)
    with pytest.raises(InvalidValue, match=">= 0"):
        await store.record_answer(post.id, 1, "x", [-1], 0.5, MONDAY)
    with pytest.raises(InvalidValue, match="no timezone"):
        await store.record_answer(post.id, 1, "x", [], 0.5, MONDAY.replace(tzinfo=None))
    assert await store.get_answer(post.id, 1) is None


async def test_streaks_count_consecutive_posts_and_restart_after_a_gap(
    store: Store, make_post: MakePost
) -> None:
    posts = await _week(make_post)
    streaks = []
    for index in (0, 1, 2, 4, 5):  # misses the post of day 3
        result = await store.record_answer(
            posts[index].id, 7, "x", [0], 1.0, posts[index].slot + timedelta(hours=1)
        )
        streaks.append((result.streak, result.best_streak))
    assert streaks == [(1, 1), (2, 2), (3, 3), (1, 3), (2, 3)]


async def test_an_answer_that_earns_nothing_does_not_extend_a_streak(
    store: Store, make_post: MakePost
) -> None:
    posts = await _week(make_post)
    streaks = []
    for index, score in ((0, 1.0), (1, 0.5), (2, 0.0), (3, 1.0), (4, 0.04)):  # 0.04 rounds to 0 points
        result = await store.record_answer(
            posts[index].id, 7, "x", [0] if score else [], score, posts[index].slot + timedelta(hours=1)
        )
        streaks.append((result.points > 0, result.streak, result.best_streak))
    assert streaks == [(True, 1, 1), (True, 2, 2), (False, 0, 2), (True, 1, 2), (False, 0, 2)]
    stats = await store.member_stats(GUILD, 7, posts[4].slot + timedelta(hours=2))
    assert stats is not None and (stats.streak, stats.best_streak) == (0, 2)
    # The next answer with points, after the zero of day 5, starts again at 1.
    late = await store.record_answer(posts[5].id, 7, "x", [0], 1.0, posts[5].slot + timedelta(hours=1))
    assert (late.streak, late.best_streak) == (1, 2)
    # ...and a late zero on a day never answered does not join two runs (member 8: days 1, 2, 4, 5).
    for index in (0, 1, 3, 4):
        await store.record_answer(posts[index].id, 8, "x", [0], 1.0, posts[index].slot + timedelta(hours=1))
    zero = await store.record_answer(posts[2].id, 8, "x", [], 0.0, posts[2].slot + timedelta(hours=2))
    assert (zero.points, zero.streak, zero.best_streak) == (0, 2, 2)


async def test_a_post_that_was_never_sent_does_not_break_a_streak(store: Store, make_post: MakePost) -> None:
    monday = await make_post(MONDAY, hours=20)
    await make_post(MONDAY + DAY, sent=False)  # claimed, sending failed: nobody could answer it
    wednesday = await make_post(MONDAY + 2 * DAY, hours=20)
    await store.record_answer(monday.id, 7, "x", [0], 1.0, MONDAY + timedelta(hours=1))
    result = await store.record_answer(wednesday.id, 7, "x", [0], 1.0, MONDAY + 2 * DAY + timedelta(hours=1))
    assert result.streak == 2


async def test_a_late_answer_to_an_older_post_joins_the_runs(store: Store, make_post: MakePost) -> None:
    posts = [await make_post(MONDAY + day * DAY, hours=24 * 7) for day in range(4)]
    at = MONDAY + 4 * DAY
    for index in (0, 1, 3):
        await store.record_answer(posts[index].id, 7, "x", [0], 1.0, at)
    late = await store.record_answer(posts[2].id, 7, "x", [0], 1.0, at)  # fills the gap: 4 in a row
    assert (late.streak, late.best_streak) == (4, 4)
    # The member's last answered post is still the newest one: the next post continues the run.
    following = await make_post(MONDAY + 4 * DAY, hours=24)
    result = await store.record_answer(following.id, 7, "x", [0], 1.0, at + timedelta(hours=1))
    assert (result.streak, result.best_streak) == (5, 5)


async def test_member_stats_show_the_live_streak_rank_and_average(store: Store, make_post: MakePost) -> None:
    posts = await _week(make_post, days=3)
    for post in posts:
        await store.record_answer(post.id, 7, "x", [0], 0.5, post.slot + timedelta(hours=1))
    await store.record_answer(posts[0].id, 8, "x", [0], 1.0, posts[0].slot + timedelta(hours=1))
    during_day_3 = posts[2].slot + timedelta(hours=2)
    stats = await store.member_stats(GUILD, 7, during_day_3)
    assert stats is not None
    assert (stats.points, stats.answers, stats.average_score) == (15, 3, 0.5)
    assert (stats.streak, stats.best_streak, stats.rank, stats.ranked) == (3, 3, 1, 2)
    assert stats.last_answered_at == posts[2].slot + timedelta(hours=1)
    # Member 8 answered only the first post: the run is broken.
    stats8 = await store.member_stats(GUILD, 8, during_day_3)
    assert stats8 is not None and (stats8.streak, stats8.best_streak, stats8.rank) == (0, 1, 2)
    # A new post is open and member 7 has not answered it yet: the streak is still alive...
    day_4 = await make_post(MONDAY + 3 * DAY, hours=20)
    assert (await store.member_stats(GUILD, 7, day_4.slot + timedelta(hours=1))).streak == 3  # type: ignore[union-attr]
    # ...until it closes unanswered.
    assert (await store.member_stats(GUILD, 7, day_4.closes_at)).streak == 0  # type: ignore[union-attr]
    assert await store.member_stats(GUILD, 999, during_day_3) is None


async def test_member_history_newest_first(
    store: Store, make_post: MakePost, card_ids: tuple[int, ...]
) -> None:
    posts = await _week(make_post, days=3)
    for index, post in enumerate(posts):
        await store.record_answer(
            post.id, 7, f"reply {index}", [index], 0.25 * index, post.slot + timedelta(hours=1)
        )
    history = await store.member_history(GUILD, 7, limit=2)
    assert [entry.post_id for entry in history] == [posts[2].id, posts[1].id]
    assert history[0].question == SAMPLE_DECK.cards[2].question and history[0].card_id == card_ids[2]
    assert history[0].matched == (2,) and history[0].points == 5 and history[0].slot == posts[2].slot
    assert await store.member_history(OTHER_GUILD, 7) == []


async def test_post_stats_hit_rate_per_item_and_top_scorers(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)  # card 0 has four items
    replies = {1: ([0, 1, 2, 3], 1.0), 2: ([0, 1], 0.5), 3: ([0], 0.25), 4: ([], 0.0)}
    for minute, (member, (matched, score)) in enumerate(replies.items()):
        await store.record_answer(post.id, member, "x", matched, score, MONDAY + timedelta(minutes=minute))
    stats = await store.post_stats(post.id, top=2)
    assert stats.participants == 4 and stats.average_score == pytest.approx(0.4375)
    assert [(item.position, item.hits, item.rate) for item in stats.items] == [
        (0, 3, 0.75),
        (1, 2, 0.5),
        (2, 1, 0.25),
        (3, 1, 0.25),
    ]
    assert [(top.member_id, top.points) for top in stats.top] == [(1, 10), (2, 5)]


async def test_post_stats_of_a_post_nobody_answered(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY, card=1)  # two items
    stats = await store.post_stats(post.id)
    assert stats.participants == 0 and stats.average_score == 0.0 and stats.top == ()
    assert [(item.hits, item.rate) for item in stats.items] == [(0, 0.0), (0, 0.0)]


async def test_scores_export_as_csv(store: Store, make_post: MakePost, card_ids: tuple[int, ...]) -> None:
    posts = await _week(make_post, days=2)
    for post in posts:
        await store.record_answer(post.id, 7, "x", [0], 1.0, post.slot + timedelta(hours=1))
    await store.record_answer(posts[0].id, 8, "x", [0], 0.5, posts[0].slot + timedelta(hours=1))
    at = MONDAY + timedelta(hours=2)
    await store.record_practice(GUILD, 9, card_ids[0], state="{}", due=at, score=1.0, answered_at=at)
    await store.record_quiz_result(GUILD, "q1", 8, points=30, rounds=3, finished_at=at)
    # Names as the bot saw them in this guild (another guild's name for the same member is not this one's).
    await store.save_member_names([(GUILD, 7, 'Zoé, "la prof"'), (GUILD, 8, "Bob"), (OTHER_GUILD, 9, "Eve")])
    rows = list(csv.DictReader(io.StringIO(await store.export_scores_csv(GUILD))))
    assert [row["member_id"] for row in rows] == ["7", "8", "9"]
    assert [row["name"] for row in rows] == ['Zoé, "la prof"', "Bob", ""]
    assert rows[0] == {
        "member_id": "7",
        "name": 'Zoé, "la prof"',
        "points": "20",
        "answers": "2",
        "average_score": "1.000",
        "streak": rows[0]["streak"],
        "best_streak": "2",
        "last_answered_at": (posts[1].slot + timedelta(hours=1)).isoformat(),
        "practice_points": "0",
        "practice_answers": "0",
        "quiz_points": "0",
        "quizzes": "0",
    }
    assert (rows[1]["points"], rows[1]["quiz_points"], rows[1]["quizzes"]) == ("5", "30", "1")
    assert (rows[2]["points"], rows[2]["practice_points"], rows[2]["average_score"]) == ("0", "10", "")
    assert await store.export_scores_csv(OTHER_GUILD) == (
        "member_id,name,points,answers,average_score,streak,best_streak,last_answered_at,"
        "practice_points,practice_answers,quiz_points,quizzes\n"
    )


async def test_forget_member_deletes_everything_about_them_in_that_guild(
    store: Store, make_post: MakePost, card_ids: tuple[int, ...]
) -> None:
    ours, theirs = await make_post(MONDAY), await make_post(MONDAY, guild_id=OTHER_GUILD)
    at = MONDAY + timedelta(minutes=1)
    for post in (ours, theirs):
        for member in (7, 8):
            await store.record_answer(post.id, member, "secret reply", [0], 1.0, at)
    await store.record_practice(GUILD, 7, card_ids[0], state="{}", due=at, score=1.0, answered_at=at)
    await store.save_practice_session(GUILD, 7, '{"cards": [1]}', expires_at=at + timedelta(hours=1))
    await store.record_quiz_result(GUILD, "q1", 7, points=3, rounds=1, finished_at=at)
    await store.save_member_names([(GUILD, 7, "Alice"), (GUILD, 8, "Bob"), (OTHER_GUILD, 7, "Alice B.")])

    assert await store.forget_member(GUILD, 7) > 0
    assert await store.member_names(GUILD, [7, 8]) == {8: "Bob"}
    assert await store.member_names(OTHER_GUILD, [7]) == {7: "Alice B."}
    assert await store.get_answer(ours.id, 7) is None
    assert await store.member_stats(GUILD, 7, at) is None
    assert await store.practice_totals(GUILD, 7) == (0, 0)
    assert await store.get_review(7, card_ids[0]) is None
    assert await store.load_practice_session(GUILD, 7) is None
    assert "\n7," not in await store.export_scores_csv(GUILD)
    leftovers = await store._fetch(
        "SELECT (SELECT count(*) FROM answers WHERE member_id = 7 AND guild_id = ?), "
        "(SELECT count(*) FROM deck_totals WHERE member_id = 7 AND guild_id = ?)",
        (GUILD, GUILD),
    )
    assert tuple(leftovers[0]) == (0, 0)
    # Others, and the same member elsewhere, are untouched.
    assert await store.get_answer(ours.id, 8) is not None
    assert await store.get_answer(theirs.id, 7) is not None
    assert (await store.post_stats(ours.id)).participants == 1


async def test_forget_guild_deletes_the_guild_and_its_decks_but_not_bundled_ones(
    store: Store, make_post: MakePost, guild: GuildSettings, deck_id: int
) -> None:
    own_deck = await store.save_deck(GUILD, "mine", SAMPLE_DECK)
    own_card = (await store.load_deck(own_deck)).card_ids[0]
    await store.update_guild(GUILD, active_deck_id=own_deck)
    bundled_post = await make_post(MONDAY)
    claim = await store.claim_post(GUILD, MONDAY + DAY, own_card, closes_at=MONDAY + 2 * DAY)
    own_post = await store.set_post_message(claim.post.id, 5, 6, MONDAY + DAY)
    theirs = await make_post(MONDAY, guild_id=OTHER_GUILD)
    at = MONDAY + DAY + timedelta(hours=1)
    for post in (bundled_post, own_post, theirs):
        await store.record_answer(post.id, 7, "x", [0], 1.0, min(at, post.closes_at - timedelta(minutes=1)))
    await store.record_practice(GUILD, 7, own_card, state="{}", due=at, score=1.0, answered_at=at)
    await store.record_quiz_result(GUILD, "q", 7, points=1, rounds=1, finished_at=at)
    await store.save_member_names([(GUILD, 7, "Alice"), (OTHER_GUILD, 7, "Alice B.")])

    assert await store.forget_guild(GUILD) > 0
    assert await store.member_names(GUILD, [7]) == {}
    assert await store.member_names(OTHER_GUILD, [7]) == {7: "Alice B."}
    assert await store.get_guild(GUILD) is None
    assert await store.get_post(bundled_post.id) is None and await store.get_post(own_post.id) is None
    assert await store.get_deck_info(own_deck) is None and await store.get_card(own_card) is None
    assert await store.get_deck_info(deck_id) is not None  # bundled
    counts = await store._fetch(
        "SELECT (SELECT count(*) FROM answers WHERE guild_id = :g) + (SELECT count(*) FROM member_totals "
        "WHERE guild_id = :g) + (SELECT count(*) FROM deck_totals WHERE guild_id = :g) + (SELECT count(*) "
        "FROM reviews WHERE guild_id = :g) + (SELECT count(*) FROM practice_answers WHERE guild_id = :g) + "
        "(SELECT count(*) FROM quiz_results WHERE guild_id = :g) + (SELECT count(*) FROM items i "
        "JOIN cards c ON c.id = i.card_id WHERE c.deck_id = :d)",
        {"g": GUILD, "d": own_deck},
    )
    assert counts[0][0] == 0
    assert await store.get_answer(theirs.id, 7) is not None
    assert await store.integrity_check() == "ok"
    if store.engine == "sqlite":  # PostgreSQL checks every foreign key as rows change
        assert not await store._fetch("PRAGMA foreign_key_check")
