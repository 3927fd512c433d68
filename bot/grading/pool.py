"""Grading off the event loop: answers that arrive together are graded as one batch, in a grading process
of its own (the bot) or a worker thread (tests, small machines).

Grading is CPU work (a few hundred microseconds per answer, a millisecond for a long reply to a ten-item
card). Run on the event loop, a class answering at once holds every other interaction of every server behind
it, and acknowledgements miss Discord's 3 seconds. :class:`GradingPool` hands the work to one worker: the
event loop keeps reading the gateway and answering while the worker grades, and the answers that queued up
meanwhile go to the worker together, in one hop (one executor call and one wake-up of the loop per batch).

A worker thread still shares the GIL with the event loop: a class's grading and discord.py's own work then
take turns on one core. ``process=True`` grades in a process of its own (``tutorbot run`` does, unless
``TUTOR_GRADING_PROCESS=0``), so both cores work: on the load bench's heaviest card, 1,000 answers in one
second were answered at 534-592 a second instead of 384-436, 99 % of them acknowledged within 0.71-0.90 s
instead of 1.47 s. The process loads
its own copy of the model (about 2 s and 70 MB, at start-up) and receives, with each batch, the deck vectors
the bot restored or computed since the last one. Should it die, that batch is graded in a thread of the bot
and the next one starts a new process (after three deaths in a row, or where no process can start, answers
are graded in a thread from then on, with a warning); should the bot die, the process notices within a
second and exits.

A batch is graded with :func:`bot.grading.grade_many`: the parts that need grading by meaning are embedded
together, in one model call for the batch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from bot.decks.model import Item

from . import semantic
from .grader import Grade, GradeRequest, grade_reply
from .meaning import grade_many

log = logging.getLogger(__name__)

#: The most answers one executor call grades; the rest go in the next one, so results flow steadily.
MAX_BATCH = 64
#: Grading processes that may die in a row before answers are graded in a thread of the bot instead.
MAX_BREAKS = 3
#: Seconds between the grading process's checks that the bot that started it is still there.
PARENT_CHECK = 1.0


Others = Sequence[Sequence[str | Item]] | None


@dataclass(eq=False, slots=True)
class _Job:
    request: GradeRequest
    future: asyncio.Future[Grade]


def _grade_batch(requests: Sequence[GradeRequest]) -> list[Grade | BaseException]:
    """In the worker: the batch at once; should that fail, every answer alone, each failing alone."""
    try:
        return list(grade_many(requests))
    except Exception:  # the grader never raises on a reply; should it, only that answer fails
        results: list[Grade | BaseException] = []
        for r in requests:
            try:
                results.append(grade_reply(r.expected, r.reply, question=r.question, others=r.others))
            except Exception as error:
                results.append(error)
        return results


def _start_process(semantic_on: bool, log_level: int, parent: int) -> None:
    """In the grading process, once: the bot's switches, the model loaded, and a watch on the bot."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the bot stops this one
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s (grading): %(message)s")
    semantic.set_semantic(semantic_on)
    semantic.warm_up()

    def watch() -> None:  # a bot killed with kill -9 closes nothing: its grading process must not linger
        while os.getppid() == parent:
            threading.Event().wait(PARENT_CHECK)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _grade_in_process(
    requests: Sequence[GradeRequest], vectors: dict[str, np.ndarray]
) -> list[Grade | BaseException]:
    semantic.remember_deck_vectors(vectors)
    return _grade_batch(requests)


def _started() -> bool:
    return True


class GradingPool:
    """``await pool.grade(items, reply, question=...)``: ``grade_reply``'s result, computed off the loop;
    ``process=True``: in a grading process of its own rather than a thread of this one."""

    def __init__(self, *, max_batch: int = MAX_BATCH, process: bool = False) -> None:
        self.max_batch = max_batch
        self.process = process
        self._executor: concurrent.futures.Executor | None = None
        self._thread: concurrent.futures.ThreadPoolExecutor | None = None  # the fallback of a process
        #: How much of this process's deck vectors the grading process has (semantic.deck_vectors_since).
        self._shared: semantic.CacheMark = (0, 0)
        self._queue: list[_Job] = []
        self._running = False
        self._task: asyncio.Task[None] | None = None
        #: Executor calls made (a batch each): tests and the bench read it.
        self.batches = 0
        self._breaks = 0  # grading processes that died in a row

    def start(self) -> None:
        """Start the grading process now (its model loads while the bot connects), not at the first answer."""
        worker = self._worker()
        if self.process:
            worker.submit(_started)

    def _worker(self) -> concurrent.futures.Executor:
        if self._executor is None:
            self._executor = self._process_worker() if self.process else self._thread_worker()
        return self._executor

    def _process_worker(self) -> concurrent.futures.Executor:
        status = semantic.semantic_status()
        try:
            executor = concurrent.futures.ProcessPoolExecutor(
                1,
                # spawn: the bot's threads (the store's, the model's) must not be forked half-way.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_process,
                initargs=(status.enabled, logging.getLogger().getEffectiveLevel(), os.getpid()),
            )
        except (OSError, ValueError, ImportError) as error:  # no process semaphores here (some containers)
            return self._stay_in_process(f"{type(error).__name__}: {error}")
        self._shared = (0, 0)
        return executor

    def _stay_in_process(self, why: str) -> concurrent.futures.Executor:
        log.warning("answers are graded in a thread of the bot from now on: the grading process %s", why)
        self.process = False
        self._executor = self._thread_worker()
        return self._executor

    def _thread_worker(self) -> concurrent.futures.ThreadPoolExecutor:
        if self._thread is None:
            self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="grading")
        return self._thread

    async def _run(self, requests: list[GradeRequest]) -> list[Grade | BaseException]:
        loop = asyncio.get_running_loop()
        executor = self._worker()
        if not self.process:
            return await loop.run_in_executor(executor, _grade_batch, requests)
        vectors, mark = semantic.deck_vectors_since(self._shared)
        try:
            results = await loop.run_in_executor(executor, _grade_in_process, requests, vectors)
        except BrokenProcessPool:
            # Killed (the out-of-memory killer, a crash): this batch in a thread here, a new process next,
            # unless it keeps dying (it cannot start here): then threads from now on.
            if self._executor is executor:
                self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            self._breaks += 1
            if self._breaks >= MAX_BREAKS:
                self._stay_in_process(f"stopped {self._breaks} times in a row")
            else:
                log.warning("the grading process stopped; a new one starts with the next answers")
            return await loop.run_in_executor(self._thread_worker(), _grade_batch, requests)
        self._breaks = 0
        self._shared = mark
        return results

    async def grade(
        self, expected: Sequence[str | Item], reply: str, *, question: str = "", others: Others = None
    ) -> Grade:
        loop = asyncio.get_running_loop()
        job = _Job(GradeRequest(expected, reply, question, others), loop.create_future())
        self._queue.append(job)
        if not self._running:
            self._running = True
            self._task = loop.create_task(self._drain())
        return await job.future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                self.batches += 1
                try:
                    results = await self._run([j.request for j in batch])
                except BaseException as error:  # the pool shut down under us
                    for job in batch:
                        if not job.future.done():
                            job.future.set_exception(error)
                    raise
                for job, result in zip(batch, results, strict=True):
                    if job.future.done():  # its caller gave up
                        continue
                    if isinstance(result, BaseException):
                        job.future.set_exception(result)
                    else:
                        job.future.set_result(result)
        finally:
            self._running = False

    def close(self) -> None:
        """Stop the worker (answers still queued fail); the pool starts a new one if used again."""
        executor, self._executor = self._executor, None
        thread, self._thread = self._thread, None
        for each in (executor, thread):
            if each is not None:
                each.shutdown(wait=False, cancel_futures=True)
