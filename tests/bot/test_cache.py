"""The shared read-through cache: a burst of callers reads once, a change forgets, a failure is not kept."""

from __future__ import annotations

import asyncio

import pytest

from bot.cache import SharedReads


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """A store read that takes until released, counting how often it runs."""

    def __init__(self) -> None:
        self.count = 0
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        self.value = "v1"

    async def __call__(self) -> str:
        self.count += 1
        value = self.value  # what the store holds when the read starts
        self.started.set()
        await self.release.wait()
        return value


async def test_a_burst_of_callers_shares_one_read_and_keeps_it_for_its_seconds() -> None:
    clock, reads = Ticks(), Reads()
    cache: SharedReads[str, str] = SharedReads(10, clock=clock)
    waiting = [asyncio.ensure_future(cache.get("deck", reads)) for _ in range(500)]
    await asyncio.sleep(0)
    reads.release.set()
    assert set(await asyncio.gather(*waiting)) == {"v1"}
    assert reads.count == 1
    assert await cache.get("deck", reads) == "v1" and reads.count == 1  # kept
    clock.now = 10  # its seconds are up
    reads.value = "v2"
    assert await cache.get("deck", reads) == "v2" and reads.count == 2


async def test_a_read_under_way_when_the_data_changed_is_not_kept() -> None:
    reads = Reads()
    cache: SharedReads[str, str] = SharedReads(10)
    early = asyncio.ensure_future(cache.get("deck", reads))
    await reads.started.wait()
    cache.forget("deck")  # a teacher edited the deck while the read ran
    reads.value = "edited"
    reads.release.set()
    assert await early == "v1"  # what that caller asked for, at the time
    assert await cache.get("deck", reads) == "edited" and reads.count == 2


async def test_forget_by_key_where_and_everything() -> None:
    reads = Reads()
    reads.release.set()
    cache: SharedReads[tuple[int, int], str] = SharedReads(10)
    for key in ((1, 7), (2, 7), (1, 8)):
        await cache.get(key, reads)
    cache.forget(where=lambda key: key[1] == 7)
    assert [cache.peek(k) is None for k in ((1, 7), (2, 7), (1, 8))] == [True, True, False]
    cache.forget()
    assert cache.peek((1, 8)) is None


async def test_a_cancelled_caller_leaves_the_read_to_the_others_and_a_failure_is_not_kept() -> None:
    reads = Reads()
    cache: SharedReads[str, str] = SharedReads(10)
    impatient = asyncio.ensure_future(cache.get("deck", reads))
    patient = asyncio.ensure_future(cache.get("deck", reads))
    await asyncio.sleep(0)
    impatient.cancel()
    reads.release.set()
    assert await patient == "v1" and reads.count == 1

    calls = 0

    async def failing() -> str:
        nonlocal calls
        calls += 1
        raise ConnectionError("database gone")

    cache.forget()
    for _ in range(2):
        with pytest.raises(ConnectionError):
            await cache.get("deck", failing)
    assert calls == 2  # tried again, never served from the failure


async def test_a_value_that_is_no_longer_valid_is_read_again() -> None:
    reads = Reads()
    reads.release.set()
    cache: SharedReads[str, str] = SharedReads(10)
    assert await cache.get("post", reads) == "v1"
    reads.value = "v2"
    assert await cache.get("post", reads, valid=lambda value: value != "v1") == "v2"
