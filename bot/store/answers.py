"""Daily answers: recording (group-committed by the writer, see writer.py) and reading them back.

A batch of answers is worked out in Python from one read of its context and written with one statement
for the answers and one for the totals: the same outcome as recording them one by one in arrival order."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.rules import scoring

from .base import Conn, StoreBase
from .base import at as _at
from .errors import InvalidValue, PostClosed, StoreError, UnknownRecord
from .records import AnswerResult, to_epoch
from .writer import PendingAnswer


class AnswerStore(StoreBase):
    """The Store's daily-answer methods."""

    async def record_answer(
        self,
        post_id: int,
        member_id: int,
        reply: str,
        matched: Iterable[int],
        score: float,
        answered_at: datetime,
    ) -> AnswerResult:
        """Record a member's graded answer to a daily post and update their points and streak, in one
        transaction; returns once that transaction has committed.

        A second answer to the same post (also one racing the first) counts nothing and returns the first
        grade with ``already_answered=True``. Raises PostClosed when the post is not sent yet or its window
        had closed at ``answered_at``, and UnknownRecord for an unknown post.

        Group commit: answers that arrive while another transaction holds the connection are recorded
        together in the next one (one BEGIN/COMMIT and a few statements for the lot), with the same
        outcome as recording them one after the other in arrival order. A caller that gives up (is
        cancelled) does not take its answer back: it is recorded with the others.
        """
        points = scoring.points_for(score)
        credited = tuple(sorted({int(index) for index in matched}))
        if any(index < 0 for index in credited):
            raise InvalidValue(f"credited item positions must be >= 0, got {credited}")
        at = to_epoch(answered_at)
        future: asyncio.Future[AnswerResult] = asyncio.get_running_loop().create_future()
        return await self._writes.answer(
            PendingAnswer(post_id, member_id, reply, credited, score, points, at, future)
        )

    async def get_answer(self, post_id: int, member_id: int) -> AnswerResult | None:
        """The member's answer to a post, with their current totals."""
        rows = await self._fetch(
            "SELECT a.id, a.score, a.points, a.matched, a.answered_at, t.points AS t_points, "
            "t.answers AS t_answers, t.streak, t.best_streak FROM answers a "
            "LEFT JOIN member_totals t ON t.guild_id = a.guild_id AND t.member_id = a.member_id "
            "WHERE a.post_id = ? AND a.member_id = ?",
            (post_id, member_id),
        )
        if not rows:
            return None
        row = rows[0]
        return AnswerResult(
            answer_id=row["id"],
            post_id=post_id,
            member_id=member_id,
            score=row["score"],
            points=row["points"],
            matched=tuple(json.loads(row["matched"])),
            answered_at=_at(row["answered_at"]),
            already_answered=True,
            total_points=row["t_points"] or 0,
            total_answers=row["t_answers"] or 0,
            streak=row["streak"] or 0,
            best_streak=row["best_streak"] or 0,
        )


@dataclass(frozen=True)
class _BatchPost:
    guild_id: int
    deck_id: int | None
    slot: int
    posted_at: int | None
    closes_at: int
    previous_post_id: int | None


@dataclass
class _Totals:
    """A member's running totals while a batch is worked out (their member_totals row, or zeros)."""

    points: int
    answers: int
    streak: int
    best: int
    last_post_id: int | None
    last_slot: int | None


@dataclass(frozen=True)
class _FirstAnswer:
    id: int
    score: float
    points: int
    matched: tuple[int, ...]
    at: int


async def answer_batch(db: Conn, batch: Sequence[PendingAnswer]) -> list[AnswerResult | StoreError]:
    """Record a batch of answers inside the caller's write transaction; the outcome of each, in order.

    The outcome is what recording the answers one after the other in batch order gives: one read of every
    answer's context (post, member totals, an earlier answer to the same post), the decisions in Python, then
    one statement inserting the new answers and one updating the totals, row after row as the answers came.
    """
    pairs = json.dumps(sorted({(pending.post_id, pending.member_id) for pending in batch}))
    # Another process recording answers of these guilds waits until this transaction ends (PostgreSQL; on
    # SQLite, BEGIN IMMEDIATE already did it): the context read next stays true until the commit.
    await db.lock_guilds_of_posts(pending.post_id for pending in batch)
    row = await db.fetchrow(_ANSWER_CONTEXT, (pairs,))
    largest, context = (row[0], row[1]) if row is not None else (None, "[]")
    fresh_ids = iter(await db.next_ids("answers", len(batch), largest))
    posts: dict[int, _BatchPost] = {}
    totals: dict[tuple[int, int], _Totals] = {}
    answered: dict[tuple[int, int], int] = {}
    for row in json.loads(context):
        (
            post_id,
            member_id,
            guild_id,
            *post,
            points,
            answers,
            streak,
            best,
            last_post_id,
            last_slot,
            first_id,
        ) = row
        if guild_id is None:
            continue  # no such post
        posts[post_id] = _BatchPost(guild_id, *post)
        totals[guild_id, member_id] = _Totals(
            points or 0, answers or 0, streak or 0, best or 0, last_post_id, last_slot
        )
        if first_id is not None:
            answered[post_id, member_id] = first_id
    firsts: dict[tuple[int, int], _FirstAnswer] = {}
    if answered:
        by_id = {
            row["id"]: _FirstAnswer(
                row["id"], row["score"], row["points"], tuple(json.loads(row["matched"])), row["answered_at"]
            )
            for row in await db.fetch(_FIRST_ANSWERS, (json.dumps(list(answered.values())),))
        }
        firsts = {pair: by_id[answer_id] for pair, answer_id in answered.items()}

    # A late answer's streak is counted again from the guild's posts; read once per member and batch.
    histories: dict[tuple[int, int], list[tuple[int, bool]]] = {}
    outcomes: list[AnswerResult | StoreError] = []
    new_answers: list[tuple[Any, ...]] = []
    new_totals: list[tuple[Any, ...]] = []
    for pending in batch:
        post_id, member_id = pending.post_id, pending.member_id
        post = posts.get(post_id)
        if post is None:
            outcomes.append(UnknownRecord(f"post {post_id} does not exist"))
            continue
        guild_id = post.guild_id
        member = totals[guild_id, member_id]
        first = firsts.get((post_id, member_id))
        if first is not None:
            outcomes.append(
                AnswerResult(
                    answer_id=first.id,
                    post_id=post_id,
                    member_id=member_id,
                    score=first.score,
                    points=first.points,
                    matched=first.matched,
                    answered_at=_at(first.at),
                    already_answered=True,
                    total_points=member.points,
                    total_answers=member.answers,
                    streak=member.streak,
                    best_streak=member.best,
                )
            )
            continue
        if post.posted_at is None:
            outcomes.append(PostClosed(f"post {post_id} has not been sent yet; it takes answers once posted"))
            continue
        if pending.at >= post.closes_at:
            outcomes.append(PostClosed(f"post {post_id} closed at {_at(post.closes_at).isoformat()}"))
            continue
        answer_id = next(fresh_ids)
        firsts[post_id, member_id] = _FirstAnswer(
            answer_id, pending.score, pending.points, pending.credited, pending.at
        )
        new_answers.append(
            (
                answer_id,
                post_id,
                guild_id,
                post.deck_id,
                member_id,
                pending.reply,
                json.dumps(pending.credited),
                pending.score,
                pending.points,
                pending.at,
            )
        )
        if member.last_slot is not None and post.slot < member.last_slot:
            # A late answer to an older post: it may join two runs, so count again from the history (the
            # database's answers and this batch's, this one included).
            history = histories.get((guild_id, member_id))
            if history is None:
                rows = await db.fetch(_ANSWERED_FLAGS, (member_id, guild_id))
                sent = sorted(json.loads(next(iter(rows))[0]))  # in slot order
                history = histories[guild_id, member_id] = [
                    (post_of, bool(flag)) for _, post_of, flag in sent
                ]
            streak, history_best = scoring.streaks_from_history(
                was or _earned(firsts.get((post_of, member_id))) for post_of, was in history
            )
            best = max(member.best, history_best)
        else:
            answered_previous = (
                member.last_post_id is not None and member.last_post_id == post.previous_post_id
            )
            streak, best = scoring.advance_streak(
                member.streak,
                member.best,
                answered_previous_post=answered_previous,
                earned=pending.points > 0,
            )
            member.last_post_id, member.last_slot = post_id, post.slot
        member.points += pending.points
        member.answers += 1
        member.streak, member.best = streak, best
        new_totals.append(
            (
                guild_id,
                member_id,
                member.points,
                member.answers,
                pending.score,
                streak,
                best,
                member.last_post_id,
                member.last_slot,
                pending.at,
            )
        )
        outcomes.append(
            AnswerResult(
                answer_id=answer_id,
                post_id=post_id,
                member_id=member_id,
                score=pending.score,
                points=pending.points,
                matched=pending.credited,
                answered_at=_at(pending.at),
                already_answered=False,
                total_points=member.points,
                total_answers=member.answers,
                streak=streak,
                best_streak=best,
            )
        )
    if new_answers:
        # At most MAX_ANSWER_BATCH rows of 10 values each: well under SQLite's 32,766 bound parameters.
        await db.execute(_insert_answers(len(new_answers)), [value for row in new_answers for value in row])
        merged = _last_per_member(new_totals)
        await db.execute(_upsert_member_totals(len(merged)), [value for row in merged for value in row])
    return outcomes


def _earned(answer: _FirstAnswer | None) -> bool:
    """Whether an answer counts for a streak: it earned at least one point."""
    return answer is not None and answer.points > 0


def _last_per_member(totals: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """One totals row per member (PostgreSQL refuses to upsert a row twice in one statement): their totals
    after their last answer of the batch, with the scores of all of them and the latest answer time."""
    merged: dict[tuple[int, int], tuple[Any, ...]] = {}
    for row in totals:
        key = (row[0], row[1])
        earlier = merged.get(key)
        if earlier is None:
            merged[key] = row
        else:
            merged[key] = (*row[:4], earlier[4] + row[4], *row[5:9], max(earlier[9], row[9]))
    return list(merged.values())


# ---------------------------------------------------------------------- SQL


# Recording a batch of answers. Under load the event loop's thread holds the GIL most of the time, and the
# aiosqlite thread waits for it (up to the 5 ms switch interval) at each row SQLite steps through in Python's
# sqlite3 module: so each statement here returns at most one row and writes all its rows at once.

# The context of a batch, as JSON in one row: for each distinct (post, member) pair given as a JSON array
# of [post_id, member_id], the post (guild_id null: no such post), the member's totals in the post's guild,
# and the id of their answer to it if any. Integers only: JSON keeps them exact. Also the largest answer id:
# on SQLite the batch hands out the next ones (largest + 1) while its write transaction keeps anyone else out.
_ANSWER_CONTEXT = """
WITH wanted (post_id, member_id) AS (
    SELECT DISTINCT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)
)
SELECT (SELECT max(id) FROM answers) AS max_answer_id,
       json_group_array(json_array(
           w.post_id, w.member_id, p.guild_id, p.deck_id, p.slot, p.posted_at, p.closes_at,
           (SELECT q.id FROM posts q
             WHERE q.guild_id = p.guild_id AND q.slot < p.slot AND q.posted_at IS NOT NULL
             ORDER BY q.slot DESC LIMIT 1),
           t.points, t.answers, t.streak, t.best_streak, t.last_post_id, t.last_slot, a.id
       )) AS context
FROM wanted w
LEFT JOIN posts p ON p.id = w.post_id
LEFT JOIN member_totals t ON t.guild_id = p.guild_id AND t.member_id = w.member_id
LEFT JOIN answers a ON a.post_id = p.id AND a.member_id = w.member_id
"""

# The first grades of the answers already recorded (only when some are answered again).
_FIRST_ANSWERS = """
SELECT id, score, points, matched, answered_at FROM answers
WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))
"""

# A member's history in a guild for a late answer, as JSON in one row: [slot, post id, answered with at
# least one point] for each post sent.
_ANSWERED_FLAGS = """
SELECT json_group_array(json_array(p.slot, p.id, coalesce(a.points, 0) > 0))
FROM posts p LEFT JOIN answers a ON a.post_id = p.id AND a.member_id = ?
WHERE p.guild_id = ? AND p.posted_at IS NOT NULL
"""

_ANSWER_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


@functools.cache
def _insert_answers(rows: int) -> str:
    return (
        "INSERT INTO answers (id, post_id, guild_id, deck_id, member_id, reply, matched, score, points, "
        "answered_at) VALUES " + ", ".join([_ANSWER_ROW] * rows)
    )


@functools.cache
def _upsert_member_totals(rows: int) -> str:
    """A row per member of the batch (see _last_per_member): their totals after their last answer;
    score_sum adds up and last_answered_at keeps the latest, as one statement per answer would."""
    return (
        "INSERT INTO member_totals (guild_id, member_id, points, answers, score_sum, streak, best_streak, "
        "last_post_id, last_slot, last_answered_at) VALUES " + ", ".join([_ANSWER_ROW] * rows) + " "
        "ON CONFLICT (guild_id, member_id) DO UPDATE SET points = excluded.points, "
        "answers = excluded.answers, score_sum = member_totals.score_sum + excluded.score_sum, "
        "streak = excluded.streak, best_streak = excluded.best_streak, "
        "last_post_id = excluded.last_post_id, last_slot = excluded.last_slot, "
        "last_answered_at = CASE WHEN member_totals.last_answered_at >= excluded.last_answered_at "
        "THEN member_totals.last_answered_at ELSE excluded.last_answered_at END"
    )
