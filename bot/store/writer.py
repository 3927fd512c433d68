"""The writer: one task per store that runs the queued writes in call order, each in a transaction of its own,
except that consecutive daily answers share one (group commit).

Daily answers, the busiest write, wait in the queue while another transaction runs; the writer then takes
every answer waiting (up to MAX_ANSWER_BATCH) and records them in one transaction with a few statements for
the lot (answers.answer_batch). Each caller still returns only once its own write is committed. A caller
that gives up (is cancelled) does not take its write back nor leave a transaction open: the writer finishes
it on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .base import Conn, Engine
from .dialect import is_unique_violation
from .errors import StoreError
from .records import AnswerResult

T = TypeVar("T")

# The most answers one transaction records; the rest wait for the next one, so other work gets its turn.
MAX_ANSWER_BATCH = 256


@dataclass(eq=False)
class PendingWrite:
    """A write waiting for the writer, and the future its caller waits on."""

    work: Callable[[Conn], Awaitable[Any]]
    future: asyncio.Future[Any]


@dataclass(eq=False)
class PendingAnswer:
    """An answer waiting for the writer, and the future its caller waits on."""

    post_id: int
    member_id: int
    reply: str
    credited: tuple[int, ...]
    score: float
    points: int
    at: int
    future: asyncio.Future[AnswerResult]


#: Records a batch inside the given write transaction; the outcome of each answer, in order.
BatchRecorder = Callable[[Conn, Sequence[PendingAnswer]], Awaitable[list[AnswerResult | StoreError]]]


def settle(future: asyncio.Future[Any], outcome: object) -> None:
    if future.done():  # its caller was cancelled; the write is done all the same
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


class Writer:
    """The queue of writes of one store and the task that runs them."""

    def __init__(self, engine: Engine, record_batch: BatchRecorder) -> None:
        self._engine = engine
        self._record = record_batch
        self._queue: list[PendingWrite | PendingAnswer] = []
        self.task: asyncio.Task[None] | None = None

    async def write(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._enqueue(PendingWrite(work, future))
        return await future

    async def answer(self, pending: PendingAnswer) -> AnswerResult:
        self._enqueue(pending)
        # The writer records the answer whether or not its caller still waits.
        return await pending.future

    async def drain(self) -> None:
        """Wait for the writes already queued (not cancelled with the caller)."""
        if self.task is not None:
            await asyncio.wait([self.task])

    def _enqueue(self, write: PendingWrite | PendingAnswer) -> None:
        self._queue.append(write)
        if self.task is None:
            self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        """Runs the queued writes in order, each under the engine's write lock.

        The work is taken once the lock is held, so every answer that arrived while other work had the
        connection joins the batch, behind the writes queued before it.
        """
        taken: list[PendingWrite | PendingAnswer] = []
        try:
            while self._queue:
                async with self._engine.write_lock:
                    head = self._queue[0]
                    if isinstance(head, PendingWrite):
                        taken = self._queue[:1]
                        del self._queue[:1]
                        await self._run_write(head)
                    else:
                        count = 0
                        while count < min(len(self._queue), MAX_ANSWER_BATCH) and isinstance(
                            self._queue[count], PendingAnswer
                        ):
                            count += 1
                        batch = [write for write in self._queue[:count] if isinstance(write, PendingAnswer)]
                        taken = list(batch)
                        del self._queue[:count]
                        await self._record_batch(batch)
                    taken = []
        except BaseException as error:
            # Only cancellation (the loop shutting down) gets here: each write settles its own errors.
            for write in [*taken, *self._queue]:
                if not write.future.done():
                    if isinstance(error, asyncio.CancelledError):
                        write.future.cancel()
                    else:
                        write.future.set_exception(error)
            self._queue.clear()
            raise
        finally:
            self.task = None

    async def _run_write(self, write: PendingWrite) -> None:
        try:
            result = await self._engine.transaction(write.work)
        except Exception as error:
            settle(write.future, error)
        else:
            settle(write.future, result)

    async def _record_batch(self, batch: list[PendingAnswer], *, retried: bool = False) -> None:
        """One transaction for the batch (lock held); each answer's future gets its result or its error.

        Errors that belong to one answer (unknown post, closed post) are decided from the context read
        before anything is written. Should the transaction fail anyway, each answer of the batch is tried
        again in its own transaction, so the answer at fault fails alone.
        """

        async def work(db: Conn) -> list[AnswerResult | StoreError]:
            return await self._record(db, batch)

        try:
            outcomes = await self._engine.transaction(work)
        except StoreError as error:
            # No transaction at all, or none committed: the store is closed, locked by another process,
            # or its server went away (StoreUnavailable). Nothing of the batch was recorded.
            for pending in batch:
                settle(pending.future, error)
        except Exception as error:
            if len(batch) == 1 and is_unique_violation(error) and not retried:
                # Another writer recorded the same answer meanwhile: the constraint refused this one; read
                # again, it now finds the first grade.
                await self._record_batch(batch, retried=True)
            elif len(batch) == 1:
                settle(batch[0].future, error)
            else:
                for pending in batch:
                    await self._record_batch([pending])
        else:
            for pending, outcome in zip(batch, outcomes, strict=True):
                settle(pending.future, outcome)
