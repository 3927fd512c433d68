"""The grading pool: the same grades as grade_reply, computed off the event loop, concurrent ones batched."""

from __future__ import annotations

import asyncio
import threading

from bot.grading import grade_many, grade_reply
from bot.grading.pool import GradingPool

ITEMS = ["Connexion: se connecter", "Preuve", "Cohérence", "Historique"]
REPLIES = ["connexion, preuve", "je sais pas", "cohérence\nhistorique\npreuve", "", "\ud800 preuve"]


async def test_grades_are_grade_replys_and_concurrent_ones_share_a_batch() -> None:
    pool = GradingPool(max_batch=8)
    try:
        replies = [REPLIES[i % len(REPLIES)] for i in range(40)]
        grades = await asyncio.gather(*(pool.grade(ITEMS, r, question="Les 4 forces ?") for r in replies))
        for reply, grade in zip(replies, grades, strict=True):
            expected = grade_reply(ITEMS, reply, question="Les 4 forces ?")
            assert (grade.matched, grade.score) == (expected.matched, expected.score)
        assert pool.batches == 5  # 40 answers at once: 5 executor calls of 8, not 40
        one = await pool.grade(ITEMS, "preuve")
        assert one.matched == grade_reply(ITEMS, "preuve").matched and pool.batches == 6
    finally:
        pool.close()


async def test_grading_runs_on_a_worker_thread_and_the_loop_keeps_turning(monkeypatch) -> None:
    seen: list[str] = []
    real = grade_many

    def slow_grade(requests):  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread().name)
        threading.Event().wait(0.05 * len(requests))  # CPU-bound work as far as the loop can tell
        return real(requests)

    monkeypatch.setattr("bot.grading.pool.grade_many", slow_grade)
    pool = GradingPool()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    task = asyncio.ensure_future(ticker())
    try:
        await asyncio.gather(*(pool.grade(ITEMS, "preuve") for _ in range(4)))
    finally:
        task.cancel()
        pool.close()
    assert seen and all(name.startswith("grading") for name in seen)
    assert ticks >= 10  # 0.2 s of grading, and the loop ran meanwhile
