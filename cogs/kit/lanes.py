"""Interaction responses under load: a bounded number of them in flight at once, acknowledgements first.

Under a burst (a class answering at once) every request in flight needs a connection of its own, and
opening one costs more than the request itself, in the bot and at Discord's end: bounded, the same few
connections are reused. Discord's 3 seconds count only for an interaction's first response (its
acknowledgement), so waiting acknowledgements go before any edit or follow-up, and an acknowledgement that
has found no free slot by :data:`ACK_BY` goes ahead on a connection of its own rather than wait longer.
Edits and follow-ups have 15 minutes; they wait for a slot, at most :data:`LATER_WAIT`, and the work of an
answer already acknowledged waits while other acknowledgements are pending (:func:`after_acknowledgements`).

Measured on the load bench (bot CPU per answer, 1,000 answers): 3.8-4.2 ms with every request on a
connection of its own, 2.2-3.0 ms with these lanes. Without a share kept for acknowledgements, or without
the work waiting for them, a burst's acknowledgements missed Discord's 3 s in one run of three.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator

import discord

from .access import PerBot

#: Interaction responses in flight at once (beyond them, connections would be opened only to be dropped).
SLOTS = 48
#: Of which edits and follow-ups may hold at most this many: the rest are kept for acknowledgements.
LATER_SLOTS = 16
#: Seconds after its interaction was created by which an acknowledgement goes ahead, slot or not (Discord
#: allows 3 s from the interaction's creation; the rest is for the request itself, under load).
ACK_BY = 2.0
#: Seconds an edit or a follow-up waits for a slot before it goes ahead anyway (a slot held by a request
#: that hangs must not hold the others for long).
LATER_WAIT = 10.0
#: Seconds of each of the two windows over which the quickest delivery of an interaction is remembered.
FLOOR_WINDOW = 30.0


class Lanes:
    """Slots for interaction responses: ``async with lanes.ack(wait):`` around a first response (``wait``:
    seconds it may wait for a slot), ``async with lanes.later():`` around an edit or a follow-up."""

    def __init__(self, slots: int = SLOTS, later_slots: int = LATER_SLOTS) -> None:
        self.free = slots
        self.later_slots = min(later_slots, slots)
        #: Slots held by edits and follow-ups.
        self.later_held = 0
        self._acks: deque[asyncio.Future[bool]] = deque()
        self._later: deque[asyncio.Future[bool]] = deque()
        #: Acknowledgements waiting for a slot or in flight.
        self.acks_pending = 0
        #: Work waiting for the acknowledgements to be out (:meth:`after_acks`).
        self._after_acks: set[asyncio.Future[bool]] = set()
        #: The quickest delivery in the previous and the current window, and when the current one began.
        self._floor = (math.inf, math.inf)
        self._window_start = -math.inf

    def behind(self, age: float, now: float) -> float:
        """Seconds by which an interaction ``age`` seconds old reached its handler later than the quickest
        ones lately (the last 30 to 60 s): how far behind the bot is. An interaction's age also holds the
        network's latency and the difference between Discord's clock and this machine's, which this
        subtracts."""
        previous, current = self._floor
        if now - self._window_start >= FLOOR_WINDOW:
            previous, current, self._window_start = current, age, now
        else:
            current = min(current, age)
        self._floor = (previous, current)
        return age - min(previous, current)

    @contextlib.asynccontextmanager
    async def ack(self, wait: float) -> AsyncIterator[None]:
        self.acks_pending += 1
        try:
            held = await self._take(self._acks, wait, first=True)
            try:
                yield
            finally:
                if held:
                    self._release(later=False)
        finally:
            self.acks_pending -= 1
            if not self.acks_pending and self._after_acks:
                waiting, self._after_acks = self._after_acks, set()
                for turn in waiting:
                    _give_up(turn)

    async def after_acks(self, limit: float) -> None:
        """Return once no acknowledgement is waiting or in flight (at most ``limit`` seconds): work that
        can wait (an answer already acknowledged) lets the class's acknowledgements go first."""
        if not self.acks_pending:
            return
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[bool] = loop.create_future()
        self._after_acks.add(turn)
        # A timer rather than wait_for (a task each): a whole class's answers wait here at once.
        timer = loop.call_later(limit, _give_up, turn)
        try:
            await turn
        finally:
            timer.cancel()
            self._after_acks.discard(turn)

    @contextlib.asynccontextmanager
    async def later(self) -> AsyncIterator[None]:
        held = await self._take(self._later, LATER_WAIT, first=False)
        try:
            yield
        finally:
            if held:
                self._release(later=True)

    async def _take(self, line: deque[asyncio.Future[bool]], wait: float, *, first: bool) -> bool:
        """Whether a slot is held (False: the wait ran out and the request goes ahead without one)."""
        if self.free > 0 and (first or (not self._acks and self.later_held < self.later_slots)):
            self.free -= 1
            self.later_held += not first
            return True
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[bool] = loop.create_future()
        line.append(turn)
        # A timer rather than wait_for: under a burst, thousands of requests wait here at once.
        timer = loop.call_later(wait, _give_up, turn)
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled() and turn.result():
                self._release(later=not first)  # handed a slot just as the caller gave up: pass it on
            raise
        finally:
            timer.cancel()

    def _release(self, *, later: bool) -> None:
        """A slot given back: to the first acknowledgement waiting, else to an edit (within its share)."""
        self.later_held -= later
        if self._hand(self._acks):
            return
        if self.later_held < self.later_slots and self._hand(self._later):
            self.later_held += 1
            return
        self.free += 1

    @staticmethod
    def _hand(line: deque[asyncio.Future[bool]]) -> bool:
        while line:
            turn = line.popleft()
            if not turn.done():  # else it gave up waiting (timed out or cancelled)
                turn.set_result(True)
                return True
        return False


def _give_up(turn: asyncio.Future[bool]) -> None:
    if not turn.done():
        turn.set_result(False)


_lanes = PerBot(Lanes)


def lanes_of(client: discord.Client) -> Lanes:
    """The bot's one set of lanes."""
    return _lanes.of(client)


def age_of(interaction: discord.Interaction) -> float:
    """Seconds since Discord created the interaction (its 3 s count from then)."""
    return (discord.utils.utcnow() - interaction.created_at).total_seconds()


def behind(interaction: discord.Interaction) -> float:
    """Seconds by which the interaction reached its handler later than the quickest ones lately (call it
    once per interaction, as it reaches its handler)."""
    return lanes_of(interaction.client).behind(age_of(interaction), time.monotonic())


def first_response(interaction: discord.Interaction) -> contextlib.AbstractAsyncContextManager[None]:
    return lanes_of(interaction.client).ack(max(0.0, ACK_BY - age_of(interaction)))


async def after_acknowledgements(interaction: discord.Interaction) -> None:
    """Wait while other interactions' acknowledgements are pending (at most LATER_WAIT)."""
    await lanes_of(interaction.client).after_acks(LATER_WAIT)


def later_response(interaction: discord.Interaction) -> contextlib.AbstractAsyncContextManager[None]:
    return lanes_of(interaction.client).later()
