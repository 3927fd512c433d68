"""A short-lived read-through cache whose reads are shared: what a class answering at once reads once.

A burst of answers arriving together all find the cache empty at the same moment. Without sharing, each runs
the same query (1,000 answers to the daily question were 5,000 loads of the same deck in the load bench).
Here the first caller's read is shared by every caller that arrives while it runs, and its result is kept
for ``seconds`` of real time. ``forget`` drops what is kept, and a read already under way when it is called
is not kept either (it may predate the change that made the caller forget).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Kept(Generic[V]):
    value: V
    at: float


class SharedReads(Generic[K, V]):
    """Values read through ``get(key, read)``, kept ``seconds``, at most ``limit`` keys."""

    def __init__(
        self, seconds: float, *, limit: int = 1000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.limit = limit
        self._clock = clock
        self._kept: dict[K, _Kept[V]] = {}
        self._reading: dict[K, asyncio.Future[V]] = {}
        self._generation = 0

    async def get(
        self, key: K, read: Callable[[], Awaitable[V]], *, valid: Callable[[V], bool] | None = None
    ) -> V:
        """The kept value of ``key`` while fresh (and ``valid``), else the result of ``read()``, shared with
        every caller of the same key until it ends. A caller cancelled while waiting does not cancel the
        read the others wait for; a read that fails fails for each of them and is not kept."""
        kept = self.peek(key)
        if kept is not None and (valid is None or valid(kept.value)):
            return kept.value
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(read())
            self._reading[key] = reading
            reading.add_done_callback(self._finisher(key, self._generation))
        return await asyncio.shield(reading)

    def peek(self, key: K) -> _Kept[V] | None:
        """What is kept for ``key`` while it is fresh (``.value``), without reading anything."""
        kept = self._kept.get(key)
        if kept is None or self._clock() - kept.at >= self.seconds:
            return None
        return kept

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` as what ``key`` reads now (this process just wrote it)."""
        if len(self._kept) >= self.limit and key not in self._kept:
            self._kept.clear()
        self._kept[key] = _Kept(value, self._clock())
        return value

    def forget(self, key: K | None = None, *, where: Callable[[K], bool] | None = None) -> None:
        """Read ``key`` again next time (every key when neither ``key`` nor ``where`` is given)."""
        self._generation += 1
        if key is None and where is None:
            self._kept.clear()
            self._reading.clear()
            return
        for known in [k for k in (*self._kept, *self._reading) if k == key or (where and where(k))]:
            self._kept.pop(known, None)
            self._reading.pop(known, None)

    def _finisher(self, key: K, generation: int) -> Callable[[asyncio.Future[V]], None]:
        def finish(reading: asyncio.Future[V]) -> None:
            if self._reading.get(key) is reading:
                del self._reading[key]
            if reading.cancelled() or reading.exception() is not None:
                return  # retrieved here, so a read nobody waits for any more is not reported as lost
            if generation == self._generation:
                self.put(key, reading.result())

        return finish
