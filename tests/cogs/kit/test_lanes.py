"""The lanes of interaction responses: bounded, acknowledgements first, never holding one past its wait."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from cogs.kit.lanes import Lanes


async def _hold(lanes: Lanes, release: asyncio.Event, log: list[str], name: str, *, ack: bool) -> None:
    async with lanes.ack(10.0) if ack else lanes.later():
        log.append(name)
        await release.wait()


async def test_no_more_responses_than_slots_are_in_flight_at_once():
    lanes, release, log = Lanes(slots=3), asyncio.Event(), []
    tasks = [asyncio.create_task(_hold(lanes, release, log, f"edit {i}", ack=False)) for i in range(8)]
    await asyncio.sleep(0.01)
    assert len(log) == 3
    release.set()
    await asyncio.gather(*tasks)
    assert len(log) == 8 and lanes.free == 3


async def test_a_waiting_acknowledgement_goes_before_edits_that_waited_longer():
    lanes, release, log = Lanes(slots=1), asyncio.Event(), []
    first = asyncio.create_task(_hold(lanes, release, log, "edit 1", ack=False))
    await asyncio.sleep(0)
    edit = asyncio.create_task(_hold(lanes, asyncio.Event(), log, "edit 2", ack=False))
    await asyncio.sleep(0)
    ack = asyncio.create_task(_hold(lanes, asyncio.Event(), log, "ack", ack=True))
    await asyncio.sleep(0.01)
    release.set()
    await first
    await asyncio.sleep(0.01)
    assert log == ["edit 1", "ack"]
    ack.cancel()
    edit.cancel()


async def test_an_acknowledgement_that_finds_no_slot_in_time_goes_ahead_anyway():
    lanes, release = Lanes(slots=1), asyncio.Event()
    busy = asyncio.create_task(_hold(lanes, release, [], "edit", ack=False))
    await asyncio.sleep(0)
    sent = []
    async with lanes.ack(0.05):
        sent.append("ack")
    assert sent == ["ack"] and lanes.free == 0  # it used no slot: the held one is still held
    release.set()
    await busy
    assert lanes.free == 1


async def test_a_caller_that_gives_up_waiting_leaves_no_slot_taken():
    lanes, release = Lanes(slots=1), asyncio.Event()
    busy = asyncio.create_task(_hold(lanes, release, [], "edit", ack=False))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(_hold(lanes, asyncio.Event(), [], "edit", ack=False))
    await asyncio.sleep(0)
    waiting.cancel()
    release.set()
    await busy
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    assert lanes.free == 1
    async with lanes.later():
        assert lanes.free == 0


async def test_work_already_acknowledged_waits_for_the_other_acknowledgements():
    lanes, release, log = Lanes(slots=4), asyncio.Event(), []
    acks = [asyncio.create_task(_hold(lanes, release, log, f"ack {i}", ack=True)) for i in range(3)]
    await asyncio.sleep(0)

    async def work() -> None:
        await lanes.after_acks(10.0)
        log.append("work")

    worker = asyncio.create_task(work())
    await asyncio.sleep(0.01)
    assert "work" not in log
    release.set()
    await asyncio.gather(*acks, worker)
    assert log[-1] == "work"


async def test_work_waits_for_the_acknowledgements_at_most_its_limit():
    lanes, release, log = Lanes(slots=4), asyncio.Event(), []
    ack = asyncio.create_task(_hold(lanes, release, log, "ack", ack=True))
    await asyncio.sleep(0)

    async def work(limit: float) -> None:
        await lanes.after_acks(limit)
        log.append(f"work {limit}")

    patient, hurried = asyncio.create_task(work(10.0)), asyncio.create_task(work(0.01))
    await hurried  # its limit ran out while the acknowledgement is still out
    assert log == ["ack", "work 0.01"]
    release.set()
    await asyncio.gather(ack, patient)
    assert log[-1] == "work 10.0"
    assert not lanes._after_acks  # nobody left waiting


def test_how_far_behind_is_measured_from_the_quickest_deliveries_lately():
    lanes = Lanes()
    # Interactions reach the bot 0.15 s after Discord created them (the network, the clocks): not behind.
    assert lanes.behind(0.15, now=0.0) == 0.0
    assert lanes.behind(0.16, now=1.0) == pytest.approx(0.01)
    # A burst: each reaches its handler later than the last.
    assert lanes.behind(0.45, now=2.0) == pytest.approx(0.30)
    assert lanes.behind(1.15, now=3.0) == pytest.approx(1.0)
    # The quickest of the last 30 to 60 s counts: once the window after the quick ones has passed too, a
    # slower network is the new floor.
    assert lanes.behind(0.40, now=40.0) == pytest.approx(0.25)
    assert lanes.behind(0.40, now=65.0) == pytest.approx(0.25)
    assert lanes.behind(0.41, now=70.0) == pytest.approx(0.01)
