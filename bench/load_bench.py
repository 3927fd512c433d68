"""Load benchmark: 1,000 members answer the daily question through the project's fake Discord in one second.

The real bot (``TutorBot`` with the daily and tutor cogs, a SQLite file) runs against the loopback fake in one
event loop, as in the end-to-end tests. The same traffic then goes to a bot whose /answer handler does
nothing but reply, so the fake's and discord.py's own cost shows, and the bot's cost as a ratio.

Two arrival patterns, 1,000 distinct members each:

- paced: one /answer per millisecond, so all 1,000 arrive within one second (the class answering at once);
- burst: all 1,000 sent back to back, as fast as the fake can, which measures capacity.

Printed for each: answers/s (answers done ÷ time from the first dispatch to the last response), p50 and
p99 from interaction to acknowledgement (Discord allows 3 s), and for the tutor bot a check that every
acknowledged answer is in the database.

What bounds the bot here: answers that arrive together are recorded in one transaction by the store's
writer (group commit), so the store adds well under a millisecond per answer even with the event loop busy;
the fake, discord.py's own per-event cost and the HTTP round trips of each acknowledgement dominate (compare
with the empty handler). When an answer cannot be graded within 1.5 s of its interaction, or 64 answers are
already in progress, the bot acknowledges first ("thinking…") and edits in the grade, so nobody is left with
"the application did not respond" within Discord's 3 s.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

from bot.runner import TutorBot
from bot.store import Store
from tests.fakediscord import FakeDiscord, Guild, InteractionResult, Member

MEMBERS = 1_000
ARRIVAL_SECONDS = 1.0
WARM_UP = 20
ACK_LIMIT_S = 3.0
# 07:59 in Montreal on a Monday; the question is posted at 08:00.
START = datetime(2025, 3, 10, 11, 59, tzinfo=UTC)
POST_AT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@dataclass
class Run:
    label: str
    sent: int
    acknowledged: int
    seconds: float
    latencies_ms: list[float]
    in_db: int | None = None

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class EmptyBot(commands.Bot):
    """The floor: an /answer that replies at once, nothing else."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned, intents=discord.Intents(guilds=True), help_command=None
        )

    async def setup_hook(self) -> None:
        @self.tree.command(name="answer", description="Reply at once")
        async def answer(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message("ok", ephemeral=True)

        await self.tree.sync()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def start(bot: discord.Client, fake: FakeDiscord) -> asyncio.Task[None]:
    bot._connection.guild_ready_timeout = 0.05
    task = asyncio.create_task(bot.start(fake.token))
    while not bot.is_ready():
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    return task


async def stop(bot: discord.Client, task: asyncio.Task[None]) -> None:
    await bot.close()
    await asyncio.wait_for(task, 10)


async def send_answers(
    fake: FakeDiscord, guild: Guild, members: Sequence[Member], reply: Callable[[int], str], *, paced: bool
) -> tuple[list[InteractionResult], float]:
    """One /answer per member (paced: spread over ARRIVAL_SECONDS); waits until each has its response."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    results: list[InteractionResult] = []
    step = ARRIVAL_SECONDS / len(members)
    for index, member in enumerate(members):
        if paced:
            delay = started + index * step - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        results.append(await fake.slash(guild, member, "answer", text=reply(index), wait=False))
    # Polled rarely, and only what is still pending: the check must not cost the loop it measures.
    deadline = loop.time() + ACK_LIMIT_S + 5
    pending = [r for r in results if not r.settled]
    while pending and loop.time() < deadline:
        await asyncio.sleep(0.05)
        pending = [r for r in pending if not r.settled]
    # Done when the member has their grade: the response, or the follow-up of a deferred one.
    last = max((c.time for r in results for c in r.calls), default=loop.time())
    return results, last - started


def summarise(label: str, results: list[InteractionResult], seconds: float) -> Run:
    acked = [r for r in results if r.acknowledged and r.elapsed is not None and r.elapsed <= ACK_LIMIT_S]
    return Run(label, len(results), len(acked), seconds, [r.elapsed * 1000 for r in acked])  # type: ignore[operator]


def new_world(count: int) -> tuple[FakeDiscord, Guild, Member, list[Member]]:
    fake = FakeDiscord()
    guild = fake.add_guild("Load test", channels=("questions",))
    role = fake.add_role(guild, "Prof", permissions=discord.Permissions(manage_guild=True))
    teacher = fake.add_member(guild, "teacher", roles=[role])
    members = [fake.add_member(guild, f"student{i:04d}") for i in range(count)]
    return fake, guild, teacher, members


async def raw_runs() -> list[Run]:
    fake, guild, _, members = new_world(2 * MEMBERS + WARM_UP)
    await fake.start()
    try:
        with fake.redirected():
            bot = EmptyBot()
            task = await start(bot, fake)
            try:
                await send_answers(fake, guild, members[:WARM_UP], lambda i: "warm up", paced=False)
                runs = []
                for paced, chunk in (
                    (True, members[WARM_UP : WARM_UP + MEMBERS]),
                    (False, members[-MEMBERS:]),
                ):
                    results, seconds = await send_answers(
                        fake, guild, chunk, lambda i: f"answer {i}", paced=paced
                    )
                    runs.append(
                        summarise(f"empty handler, {'paced' if paced else 'burst'}", results, seconds)
                    )
                return runs
            finally:
                await stop(bot, task)
    finally:
        await fake.stop()


async def bot_runs(db: Path) -> list[Run]:
    fake, guild, teacher, members = new_world(2 * MEMBERS + WARM_UP)
    clock = Clock(START)
    await fake.start()
    try:
        with fake.redirected():
            bot = TutorBot(
                extensions=["cogs.daily", "cogs.tutor"],
                open_store=lambda: Store.open(db, clock=clock),
                clock=clock,
                scheduler_interval=3600,
            )
            task = await start(bot, fake)
            try:
                channel = guild.channel("questions")
                setup = await fake.slash(
                    guild, teacher, "tutor setup", channel=channel, time="08:00", timezone="America/Montreal",
                    deck="cours-2",
                )  # fmt: skip
                assert "set up" in setup.text, setup.text
                clock.now = POST_AT
                cog: Any = bot.get_cog("Daily")
                report = await cog.tick()
                (post_id,) = report.posted
                store: Store = bot.store
                post = await store.get_post(post_id)
                assert post is not None and post.card_id is not None
                card = (await store.get_card(post.card_id)).card  # type: ignore[union-attr]
                answers = [item.answer for item in card.items]
                clock.now = POST_AT + timedelta(minutes=1)

                def reply(index: int) -> str:
                    # From nothing right to everything right, as a class answers.
                    return "\n".join(answers[: index % (len(answers) + 1)]) or "je sais pas"

                await send_answers(fake, guild, members[:WARM_UP], reply, paced=False)
                runs = []
                for paced, chunk in (
                    (True, members[WARM_UP : WARM_UP + MEMBERS]),
                    (False, members[-MEMBERS:]),
                ):
                    results, seconds = await send_answers(fake, guild, chunk, reply, paced=paced)
                    run = summarise(f"tutor bot, {'paced' if paced else 'burst'}", results, seconds)
                    acked = {r.user.id for r in results if r.acknowledged}
                    stored = {m for m in acked if await store.get_answer(post_id, m) is not None}
                    graded = sum(1 for r in results if r.acknowledged and "Your score" in r.text)
                    run.in_db = len(stored)
                    if graded != len(acked):
                        print(f"  warning: {len(acked) - graded} acknowledged answers got no grade")
                    runs.append(run)
                return runs
            finally:
                await stop(bot, task)
    finally:
        await fake.stop()


def report(runs: list[Run]) -> None:
    print(f"{'':28} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'acked':>7} {'in DB':>7}")
    for run in runs:
        in_db = "—" if run.in_db is None else f"{run.in_db}"
        worst = max(run.latencies_ms, default=float("nan"))
        print(
            f"{run.label:28} {run.rate:10.0f} {run.percentile(50):8.1f} {run.percentile(99):8.1f} "
            f"{worst:8.1f} {run.acknowledged:>4}/{run.sent:<4} {in_db:>5}"
        )


async def run_all() -> int:
    logging.getLogger("discord").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        raw = await raw_runs()
        ours = await bot_runs(Path(folder) / "load.db")
    print(f"{MEMBERS} members answer in {ARRIVAL_SECONDS:g} s (paced), then {MEMBERS} more at once (burst)")
    report(raw + ours)
    raw_paced, raw_burst = raw
    bot_paced, bot_burst = ours
    extra_ms = (
        1000 / bot_burst.rate - 1000 / raw_burst.rate if bot_burst.rate and raw_burst.rate else float("nan")
    )
    print(
        f"bot cost: burst capacity {bot_burst.rate:.0f}/s vs {raw_burst.rate:.0f}/s with an empty handler "
        f"(ratio {bot_burst.rate / raw_burst.rate:.2f}, {extra_ms:.1f} ms more per answer); paced p99 "
        f"{bot_paced.percentile(99):.0f} ms vs {raw_paced.percentile(99):.0f} ms "
        f"(Discord allows {ACK_LIMIT_S * 1000:.0f} ms)"
    )
    ok = all(r.acknowledged == r.sent for r in raw + ours) and all(r.in_db == r.acknowledged for r in ours)
    print("every acknowledged answer is in the database" if ok else "FAILED: lost or unacknowledged answers")
    return 0 if ok else 1


def main() -> int:
    return asyncio.run(run_all())


if __name__ == "__main__":
    sys.exit(main())
