"""Grading off the event loop: answers that arrive together are graded as one batch in a worker thread.

Grading is CPU work (a few hundred microseconds per answer, more for a long one). Run on the event loop, a
class answering at once holds every other interaction of every server behind it, and acknowledgements miss
Discord's 3 seconds. :class:`GradingPool` hands the work to one worker thread instead: the event loop keeps
reading the gateway and answering while the worker grades, and the answers that queued up meanwhile go to
the worker together, in one hop (one executor call and one wake-up of the loop per batch, not per answer).

One worker: grading takes the GIL whatever the number of threads, and one thread keeps the grader's caches
single-threaded. A batch is graded with :func:`bot.grading.grade_many`: the parts that need grading by meaning
are embedded together, in one model call for the batch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Sequence
from dataclasses import dataclass

from bot.decks.model import Item

from .grader import Grade, GradeRequest, grade_reply
from .meaning import grade_many

#: The most answers one executor call grades; the rest go in the next one, so results flow steadily.
MAX_BATCH = 64


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
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                if self._executor is None:
                    self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="grading")
                self.batches += 1
                try:
                    results = await loop.run_in_executor(
                        self._executor, _grade_batch, [j.request for j in batch]
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
