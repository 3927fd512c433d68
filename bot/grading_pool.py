"""Grading off the event loop: answers that arrive together are graded as one batch in a worker thread.

Grading is CPU work (a few hundred microseconds per answer, more for a long one). Run on the event loop, a
class answering at once holds every other interaction of every server behind it, and acknowledgements miss
Discord's 3 seconds. :class:`GradingPool` hands the work to one worker thread instead: the event loop keeps
reading the gateway and answering while the worker grades, and the answers that queued up meanwhile go to
the worker together, in one hop (one executor call and one wake-up of the loop per batch, not per answer).

One worker: grading takes the GIL whatever the number of threads, and one thread keeps the grader's caches
single-threaded. The pool calls ``grade_reply`` for each answer (the grading feature may offer a batched
``grade_many``: only :func:`_grade_batch` changes then).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Sequence
from dataclasses import dataclass

from bot.decks.model import Item
from bot.grading import Grade, grade_reply

#: The most answers one executor call grades; the rest go in the next one, so results flow steadily.
MAX_BATCH = 64


@dataclass(eq=False, slots=True)
class _Job:
    expected: Sequence[str | Item]
    reply: str
    question: str
    future: asyncio.Future[Grade]


def _grade_batch(jobs: Sequence[tuple[Sequence[str | Item], str, str]]) -> list[Grade | BaseException]:
    """In the worker: every answer of the batch, each failing alone."""
    results: list[Grade | BaseException] = []
    for expected, reply, question in jobs:
        try:
            results.append(grade_reply(expected, reply, question=question))
        except Exception as error:  # grade_reply never raises; should it, only that answer fails
            results.append(error)
    return results


class GradingPool:
    """``await pool.grade(items, reply, question=...)``: ``grade_reply``'s result, computed off the loop."""

    def __init__(self, *, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._queue: list[_Job] = []
        self._running = False
        self._task: asyncio.Task[None] | None = None
        #: Executor calls made (a batch each): tests and the bench read it.
        self.batches = 0

    async def grade(self, expected: Sequence[str | Item], reply: str, *, question: str = "") -> Grade:
        loop = asyncio.get_running_loop()
        job = _Job(expected, reply, question, loop.create_future())
        self._queue.append(job)
        if not self._running:
            self._running = True
            self._task = loop.create_task(self._drain())
        return await job.future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                if self._executor is None:
                    self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="grading")
                self.batches += 1
                try:
                    results = await loop.run_in_executor(
                        self._executor, _grade_batch, [(j.expected, j.reply, j.question) for j in batch]
                    )
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
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
