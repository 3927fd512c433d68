"""The lease on a post's next step (sending it, then revealing it): of processes racing for it exactly one
gets it, a failure gives it back, and a holder that died lets it expire. Runs on both engines."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from store_support import GUILD, MONDAY, SAMPLE_DECK

from bot.store import GuildSettings, LeaseStep, Store
from tests.support import Clock

LEASE = timedelta(minutes=2)


async def test_one_of_many_racing_processes_takes_the_lease_until_it_ends(target: str | Path) -> None:
    clock = Clock(MONDAY)
    async with Store.open(target, clock=clock) as first, Store.open(target, clock=clock) as second:
        deck = await first.save_deck(None, "cours-2", SAMPLE_DECK)
        await first.save_guild(GuildSettings(GUILD, channel_id=5, active_deck_id=deck))
        card = (await first.load_deck(deck)).card_ids[0]
        claim = await first.claim_post(GUILD, MONDAY, card, closes_at=MONDAY + timedelta(hours=20))
        post = claim.post.id

        async def race(step: LeaseStep = "send") -> list[bool]:
            return await asyncio.gather(
                *(store.take_post_lease(post, LEASE, step) for _ in range(10) for store in (first, second))
            )

        assert sum(await race()) == 1  # sending: one process
        assert sum(await race()) == 0  # while it sends, nobody else
        await first.release_post_lease(post)  # its send failed: the next pass may retry
        assert sum(await race()) == 1
        clock.advance(seconds=LEASE.total_seconds())  # the holder was killed: its lease runs out
        assert sum(await race()) == 1
        await second.set_post_message(post, 5, 9001, clock())  # sent: the lease ends with it
        # A process that read the post before it was sent cannot take the lease to send it again.
        assert sum(await race("send")) == 0
        assert sum(await race("reveal")) == 1  # revealing: one process
        assert await second.mark_revealed(post, clock())
        clock.advance(seconds=LEASE.total_seconds())
        assert sum(await race("reveal")) == 0  # revealed: nothing left to do
