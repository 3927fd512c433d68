"""The grading pool: the same grades as grade_reply, computed off the event loop (in a thread, or a process of
its own), concurrent ones batched."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from bot.grading import grade_many, grade_reply, semantic, set_semantic
from bot.grading.pool import MAX_BREAKS, PARENT_CHECK, GradingPool

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


# A grading process of its own (what ``tutorbot run`` uses).

# A card of this test alone: the grader caches a card's vectors once computed.
LOI_25 = ["Droit à l'oubli", "Consentement éclairé", "Portabilité des données"]
CONSENT = LOI_25[1]


def grading_children() -> set[int]:
    return {child.pid for child in multiprocessing.active_children() if child.pid is not None}


async def test_a_grading_process_gives_grade_replys_grades_with_the_bots_deck_vectors() -> None:
    set_semantic(True)
    before = grading_children()
    # The bot's deck vectors reach the process: here the one the bot holds for "Consentement éclairé" is in
    # truth that of "Recrutement des employés", so "hiring new employees" earns that item only where the
    # bot's vector is used.
    semantic.deck_vectors(["Recrutement des employés"])
    poisoned = semantic._state.cache["Recrutement des employés"]
    real = semantic._state.cache.pop(CONSENT, None)
    semantic.remember_deck_vectors({CONSENT: poisoned})
    pool = GradingPool(process=True)
    try:
        pool.start()
        replies = [*REPLIES, "the right to be forgotten", "hiring new employees"]
        grades = await asyncio.gather(*(pool.grade(LOI_25, r) for r in replies))
        assert len(grading_children() - before) == 1  # one process, beside the bot's
        for reply, grade in zip(replies, grades, strict=True):
            expected = grade_reply(LOI_25, reply)
            assert (grade.matched, grade.score, grade.credits) == (
                expected.matched,
                expected.score,
                expected.credits,
            )
        assert grades[-2].matched == [0] and grades[-2].credits[0].via == "meaning"
        assert grades[-1].matched == [1]  # the bot's vector, not one the process computed itself
    finally:
        pool.close()
        semantic._state.cache.pop(CONSENT, None)
        if real is not None:
            semantic.remember_deck_vectors({CONSENT: real})


async def test_a_killed_grading_process_costs_no_answer_and_a_new_one_takes_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = grading_children()
    pool = GradingPool(process=True)
    try:
        first = await pool.grade(ITEMS, "preuve")
        (killed,) = grading_children() - before
        os.kill(killed, signal.SIGKILL)
        for _ in range(100):  # until it is gone
            if killed not in grading_children():
                break
            await asyncio.sleep(0.05)
        with caplog.at_level(logging.WARNING, logger="bot.grading.pool"):
            again = await pool.grade(ITEMS, "preuve")  # graded in a thread meanwhile
        assert (again.matched, again.score) == (first.matched, first.score) == ([1], 0.25)
        assert "the grading process stopped" in caplog.text
        later = await pool.grade(ITEMS, "cohérence")
        assert later.matched == [2]
        (new,) = grading_children() - before
        assert new != killed
    finally:
        pool.close()


BOT_WITH_A_GRADING_PROCESS = """
import asyncio, multiprocessing, sys, time
from bot.grading import set_semantic
from bot.grading.pool import GradingPool

async def main():
    pool = GradingPool(process=True)
    await pool.grade(["Preuve"], "preuve")
    (child,) = multiprocessing.active_children()
    print(child.pid, flush=True)
    await asyncio.sleep(60)

set_semantic(False)
asyncio.run(main())
"""


def test_the_grading_process_exits_when_the_bot_is_killed() -> None:
    bot = subprocess.Popen(
        [sys.executable, "-c", BOT_WITH_A_GRADING_PROCESS], stdout=subprocess.PIPE, text=True
    )
    try:
        assert bot.stdout is not None
        child = int(bot.stdout.readline())
        bot.kill()  # kill -9: the bot closes nothing
        bot.wait(10)
        deadline = time.monotonic() + 10 * PARENT_CHECK
        while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
            time.sleep(0.05)
        assert not Path(f"/proc/{child}").exists(), "the grading process outlived the bot"
    finally:
        bot.kill()


def _dies_at_start(*_args: object) -> None:
    os._exit(3)  # a grading process that cannot start here (a missing library, a sandbox)


async def test_a_grading_process_that_keeps_dying_leaves_grading_to_a_thread(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("bot.grading.pool._start_process", _dies_at_start)
    pool = GradingPool(process=True)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.grading.pool"):
            for _ in range(MAX_BREAKS + 1):  # every answer graded all the same
                assert (await pool.grade(ITEMS, "preuve")).matched == [1]
        assert "graded in a thread of the bot from now on" in caplog.text
        assert caplog.text.count("the grading process stopped;") == MAX_BREAKS - 1
        assert not pool.process  # no new process is tried for each answer
    finally:
        pool.close()


async def test_no_process_semaphores_leave_grading_to_a_thread(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_semaphores(*_args: object, **_kwargs: object) -> None:
        raise OSError(38, "Function not implemented")  # a container without /dev/shm

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_semaphores)
    pool = GradingPool(process=True)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.grading.pool"):
            pool.start()
            assert (await pool.grade(ITEMS, "preuve")).matched == [1]
        assert "graded in a thread of the bot from now on" in caplog.text
    finally:
        pool.close()


def test_the_grading_process_is_sent_each_deck_vector_once(monkeypatch: pytest.MonkeyPatch) -> None:
    _, mark = semantic.deck_vectors_since()  # everything known so far
    first = {"texte un (pool)": np.ones(semantic.DIMENSIONS, dtype=np.float32)}
    second = {"texte deux (pool)": np.zeros(semantic.DIMENSIONS, dtype=np.float32)}
    try:
        semantic.remember_deck_vectors(first)
        added, mark = semantic.deck_vectors_since(mark)
        assert list(added) == list(first)
        semantic.remember_deck_vectors({**first, **second})  # one known already: only the other is new
        added, mark = semantic.deck_vectors_since(mark)
        assert list(added) == list(second)
        assert semantic.deck_vectors_since(mark)[0] == {}
        # The cache was emptied (its bound) and filled again: the copy starts over.
        monkeypatch.setattr(semantic._state, "cache_clears", semantic._state.cache_clears + 1)
        added, _ = semantic.deck_vectors_since(mark)
        assert {*first, *second} <= set(added)
    finally:
        for text in (*first, *second):
            semantic._state.cache.pop(text, None)
