"""Load benchmark: 1,000 members answer the daily question through the project's fake Discord in one second.

The real bot (``TutorBot`` with the daily and tutor cogs, a SQLite file) runs against the project's fake
Discord, by default in a separate process (``python -m tests.fakediscord serve``, driven over its control
API), so the bot's event loop pays only for the bot, as against Discord. ``TUTOR_BENCH_FAKE=inprocess``
runs the fake in the bot's event loop instead, as in the end-to-end tests (the fake's own work then counts
against the bot). The same traffic then goes to a bot whose /answer handler does nothing but reply: the
ceiling that discord.py itself allows on this machine, and the bot's cost as a ratio of it.

Two arrival patterns, 1,000 distinct members each:

- paced: one /answer per millisecond, so all 1,000 arrive within one second (the class answering at once);
- burst: all 1,000 sent back to back, as fast as the fake can, which measures capacity.

Printed for each: answers/s (answers done ÷ time from the first dispatch to the last response), p50 and
p99 from interaction to acknowledgement (Discord allows 3 s), the CPU time per answer (the bot's process and
its grading process), how many answers were acknowledged with "thinking…" first, and for the tutor bot a
check that every acknowledged answer is in the database.

The class answers card 3 of cours-2 (``TUTOR_BENCH_CARD`` names another): ten items, the heaviest card of the
deck to grade. Left to the deck's order, runs drew different cards and differed by a third.

What bounds the bot here: answers that arrive together are recorded in one transaction by the store's
writer (group commit) and graded as one batch in the grading process; discord.py's own per-event cost and
the HTTP round trips of each response dominate (compare with the empty handler). When an answer reaches its
handler a second after its interaction, or its work runs past a second, the bot acknowledges first
("thinking…") and edits in the grade; responses share bounded slots, acknowledgements first
(``cogs/kit/lanes.py``), so nobody is left with "the application did not respond" within Discord's 3 s.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
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
from tests.fakediscord.remote import (
    FakeDiscordProcess,
    RemoteError,
    RemoteGuild,
    RemoteInteraction,
    RemoteMember,
)

MEMBERS = 1_000  # per run; the quiz round uses the first QUIZ_ANSWERS of them
ARRIVAL_SECONDS = 1.0
WARM_UP = 20
ACK_LIMIT_S = 3.0
# 07:59 in Montreal on a Monday; the question is posted at 08:00.
START = datetime(2025, 3, 10, 11, 59, tzinfo=UTC)
POST_AT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
#: Where the fake runs: ``process`` (its own process, the default) or ``inprocess`` (the bot's event loop).
FAKE_MODE = os.environ.get("TUTOR_BENCH_FAKE", "process")
#: The card of cours-2 the class answers (its number). The work per answer depends on the card (2 to 12
#: items, replies up to 300 characters): left to the deck's order, runs differ by the card they drew. Card 3
#: (10 items, the longest replies) is the heaviest of the deck.
CARD = os.environ.get("TUTOR_BENCH_CARD", "3")


@dataclass
class Outcome:
    """One /answer as the fake saw it, whichever process the fake ran in."""

    user_id: int
    acknowledged: bool
    elapsed: float | None  # seconds from the interaction to its acknowledgement
    text: str
    deferred: bool = False  # acknowledged with "thinking…" first, the grade edited in after

    @classmethod
    def of(cls, r: InteractionResult | RemoteInteraction) -> Outcome:
        if isinstance(r, RemoteInteraction):
            return cls(r.user_id, r.acknowledged, r.elapsed, r.text, r.deferred)
        return cls(r.user.id, r.acknowledged, r.elapsed, r.text if r.acknowledged else "", r.deferred)


@dataclass
class Run:
    label: str
    sent: int
    acknowledged: int
    seconds: float
    latencies_ms: list[float]
    in_db: int | None = None
    #: CPU time the answering process spent per answer sent (all its threads), None where unreadable.
    cpu_ms: float | None = None
    #: Answers acknowledged with "thinking…" first (two calls to Discord instead of one).
    deferred: int = 0

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_seconds(pid: int | None = None) -> float | None:
    """CPU seconds (user and system, every thread) used so far by this process, or by the process ``pid``
    and its child processes (its grading process), read from /proc: None where there is none. Steadier
    than latencies on a shared machine: what the bot costs per answer, whatever else runs beside it."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = {
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        }
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) or 0.0 for child in children)


def cpu_per_answer(before: float | None, after: float | None, answers: int) -> float | None:
    return None if before is None or after is None or not answers else (after - before) * 1000 / answers


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


async def start(bot: discord.Client, token: str) -> asyncio.Task[None]:
    bot._connection.guild_ready_timeout = 0.05
    task = asyncio.create_task(bot.start(token))
    while not bot.is_ready():
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    return task


async def stop(bot: discord.Client, task: asyncio.Task[None]) -> None:
    await bot.close()
    await asyncio.wait_for(task, 10)


class LocalWorld:
    """The fake in this process and this event loop (``TUTOR_BENCH_FAKE=inprocess``)."""

    def __init__(self, count: int) -> None:
        self.fake = fake = FakeDiscord()
        self.guild: Guild = fake.add_guild("Load test", channels=("questions",))
        role = fake.add_role(self.guild, "Prof", permissions=discord.Permissions(manage_guild=True))
        self.teacher: Member = fake.add_member(self.guild, "teacher", roles=[role])
        self.members: list[Member] = [fake.add_member(self.guild, f"student{i:04d}") for i in range(count)]
        self.member_ids = [m.id for m in self.members]
        self.channel_id = self.guild.channel("questions").id
        self.token = fake.token

    async def __aenter__(self) -> LocalWorld:
        await self.fake.start()
        self._redirect = self.fake.redirected()
        self._redirect.__enter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._redirect.__exit__(None, None, None)
        await self.fake.stop()

    async def setup(self, **options: Any) -> str:
        res = await self.fake.slash(self.guild, self.teacher, "tutor setup", options)
        return res.text

    async def answers(
        self, member_ids: Sequence[int], reply: Callable[[int], str], *, paced: bool
    ) -> tuple[list[Outcome], float]:
        """One /answer per member (paced: spread over ARRIVAL_SECONDS); waits until each has its response."""
        fake = self.fake
        loop = asyncio.get_running_loop()
        started = loop.time()
        results: list[InteractionResult] = []
        step = ARRIVAL_SECONDS / len(member_ids)
        for index, member_id in enumerate(member_ids):
            if paced:
                delay = started + index * step - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            results.append(await fake.slash(self.guild, member_id, "answer", text=reply(index), wait=False))
        # Polled rarely, and only what is still pending: the check must not cost the loop it measures.
        deadline = loop.time() + ACK_LIMIT_S + 5
        pending = [r for r in results if not r.settled]
        while pending and loop.time() < deadline:
            await asyncio.sleep(0.05)
            pending = [r for r in pending if not r.settled]
        # Done when the member has their grade: the response, or the follow-up of a deferred one.
        last = max((c.time for r in results for c in r.calls), default=loop.time())
        return [Outcome.of(r) for r in results], last - started


class RemoteWorld:
    """The fake in its own process (the default): the bot's event loop pays only for the bot."""

    def __init__(self, count: int) -> None:
        self.fake = FakeDiscordProcess()
        self.count = count

    async def __aenter__(self) -> RemoteWorld:
        fake = await self.fake.start()
        self.guild: RemoteGuild = await fake.add_guild("Load test", channels=["questions"])
        role = await fake.add_role(self.guild.id, "Prof", permissions=discord.Permissions(manage_guild=True))
        (self.teacher,) = await fake.add_members(self.guild.id, ["teacher"], roles=[role])
        self.members: list[RemoteMember] = await fake.add_members(
            self.guild.id, [f"student{i:04d}" for i in range(self.count)]
        )
        self.member_ids = [m.id for m in self.members]
        self.channel_id = self.guild.channel("questions")
        self.token = fake.token
        self._redirect = fake.redirected()
        self._redirect.__enter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._redirect.__exit__(None, None, None)
        await self.fake.stop()

    async def setup(self, **options: Any) -> str:
        res = await self.fake.slash(self.guild.id, self.teacher.id, "tutor setup", options)
        return res.text

    async def answers(
        self, member_ids: Sequence[int], reply: Callable[[int], str], *, paced: bool
    ) -> tuple[list[Outcome], float]:
        """The fake dispatches them (paced: within ARRIVAL_SECONDS) and reports once each has its response."""
        items = [(member_id, {"text": reply(i)}) for i, member_id in enumerate(member_ids)]
        ids = await self.fake.slash_batch(
            self.guild.id, "answer", items, spread=ARRIVAL_SECONDS if paced else 0.0
        )
        results = await self.fake.wait_interactions(ids, timeout=ACK_LIMIT_S + 5)
        started = min(r.created for r in results)
        last = max((r.last_call for r in results if r.last_call is not None), default=started)
        return [Outcome.of(r) for r in results], last - started


def new_world(count: int) -> LocalWorld | RemoteWorld:
    if FAKE_MODE not in ("process", "inprocess"):
        raise SystemExit(f"TUTOR_BENCH_FAKE must be 'process' or 'inprocess', not {FAKE_MODE!r}")
    return RemoteWorld(count) if FAKE_MODE == "process" else LocalWorld(count)


def summarise(label: str, results: list[Outcome], seconds: float) -> Run:
    acked = [r for r in results if r.acknowledged and r.elapsed is not None and r.elapsed <= ACK_LIMIT_S]
    latencies = [r.elapsed * 1000 for r in acked]  # type: ignore[operator]
    return Run(label, len(results), len(acked), seconds, latencies, deferred=sum(r.deferred for r in acked))


async def raw_runs() -> list[Run]:
    async with new_world(2 * MEMBERS + WARM_UP) as world:
        members = world.member_ids
        bot = EmptyBot()
        task = await start(bot, world.token)
        try:
            await world.answers(members[:WARM_UP], lambda i: "warm up", paced=False)
            runs = []
            for paced, chunk in ((True, members[WARM_UP : WARM_UP + MEMBERS]), (False, members[-MEMBERS:])):
                before = cpu_seconds()
                results, seconds = await world.answers(chunk, lambda i: f"answer {i}", paced=paced)
                run = summarise(f"empty handler, {'paced' if paced else 'burst'}", results, seconds)
                run.cpu_ms = cpu_per_answer(before, cpu_seconds(), len(chunk))
                runs.append(run)
            return runs
        finally:
            await stop(bot, task)


async def bot_runs(db: Path) -> list[Run]:
    clock = Clock(START)
    async with new_world(2 * MEMBERS + WARM_UP) as world:
        members = world.member_ids
        bot = TutorBot(
            extensions=["cogs.daily", "cogs.tutor"],
            open_store=lambda: Store.open(db, clock=clock),
            clock=clock,
            scheduler_interval=3600,
        )
        task = await start(bot, world.token)
        try:
            setup = await world.setup(
                channel=world.channel_id, time="08:00", timezone="America/Montreal", deck="cours-2"
            )
            assert "set up" in setup, setup
            chosen = await world.fake.slash(world.guild, world.teacher, "tutor next", {"card": CARD})
            assert f"Card {CARD}," in chosen.text, chosen.text
            clock.now = POST_AT
            assert bot.services is not None
            report = await bot.services.posting.tick()
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

            await world.answers(members[:WARM_UP], reply, paced=False)
            runs = []
            for paced, chunk in ((True, members[WARM_UP : WARM_UP + MEMBERS]), (False, members[-MEMBERS:])):
                results, seconds = await world.answers(chunk, reply, paced=paced)
                run = summarise(f"tutor bot, {'paced' if paced else 'burst'}", results, seconds)
                acked = {r.user_id for r in results if r.acknowledged}
                stored = {m for m in acked if await store.get_answer(post_id, m) is not None}
                graded = sum(1 for r in results if r.acknowledged and "Your score" in r.text)
                run.in_db = len(stored)
                if graded != len(acked):
                    print(f"  warning: {len(acked) - graded} acknowledged answers got no grade")
                runs.append(run)
            return runs
        finally:
            await stop(bot, task)


async def process_bot_runs(folder: Path) -> list[Run]:
    """The bot as a real ``tutorbot run`` process (its own event loop and its real clock), against the fake
    in another process: the three processes as in production (the bench's driver only talks to the fake)."""
    db = folder / "load.db"
    async with RemoteWorld(2 * MEMBERS + WARM_UP) as world:
        fake = world.fake
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "DISCORD_"))}
        env.update(fake.environment(), TUTOR_DB=str(db), TUTOR_LOG_LEVEL="WARNING")
        if "TUTOR_GRADING_PROCESS" in os.environ:  # =0: the bot grades in a thread, to compare
            env["TUTOR_GRADING_PROCESS"] = os.environ["TUTOR_GRADING_PROCESS"]
        # TUTOR_BENCH_LOG: a file to keep the bot process's log in (else it goes with the temporary folder).
        log_path = Path(os.environ.get("TUTOR_BENCH_LOG") or folder / "bot.log")
        log = log_path.open("wb")  # noqa: ASYNC230 -- once; closed in the finally below
        command = [sys.executable, "-m", "bot", "run"]
        profile = os.environ.get("TUTOR_BENCH_PROFILE")  # a file: the bot process's cProfile statistics
        if profile:
            command = [sys.executable, "-m", "cProfile", "-o", profile, "-m", "bot", "run"]
        bot = subprocess.Popen(command, env=env, stdout=log, stderr=log)  # noqa: ASYNC220 -- once, not awaited
        try:
            for _ in range(600):  # until it connected and registered /answer
                state = await fake.state()
                live = any(session["open"] for session in state.get("sessions", ()))
                if live and "answer" in state.get("global_commands", ()):
                    break
                if bot.poll() is not None:
                    raise SystemExit(f"the bot exited: {(folder / 'bot.log').read_text()[-2000:]}")
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # its guilds are there
            setup = await world.setup(channel=world.channel_id, time="08:00", timezone="UTC", deck="cours-2")
            assert "set up" in setup, setup
            chosen = await fake.slash(world.guild.id, world.teacher.id, "tutor next", {"card": CARD})
            assert f"Card {CARD}," in chosen.text, chosen.text
            posted = await fake.slash(world.guild.id, world.teacher.id, "tutor post-now", {})
            assert "posted" in posted.text.lower(), posted.text
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                ((post_id, card_id),) = conn.execute("SELECT id, card_id FROM posts").fetchall()
                answers = [a for (a,) in conn.execute(
                    "SELECT answer FROM items WHERE card_id = ? ORDER BY position", (card_id,)
                )]  # fmt: skip
            longest = len("\n".join(answers))
            print(f"card {CARD} of cours-2: {len(answers)} items, replies of up to {longest} characters")

            def reply(index: int) -> str:
                return "\n".join(answers[: index % (len(answers) + 1)]) or "je sais pas"

            await world.answers(world.member_ids[:WARM_UP], reply, paced=False)
            runs = []
            chunks = (
                (True, world.member_ids[WARM_UP : WARM_UP + MEMBERS]),
                (False, world.member_ids[-MEMBERS:]),
            )
            for paced, chunk in chunks:
                before = cpu_seconds(bot.pid)
                results, seconds = await world.answers(chunk, reply, paced=paced)
                run = summarise(f"tutor bot, {'paced' if paced else 'burst'}", results, seconds)
                run.cpu_ms = cpu_per_answer(before, cpu_seconds(bot.pid), len(chunk))
                acked = {r.user_id for r in results if r.acknowledged}
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                    stored = {
                        m
                        for (m,) in conn.execute(
                            "SELECT member_id FROM answers WHERE post_id = ?", (post_id,)
                        )
                    }
                graded = sum(1 for r in results if r.acknowledged and "Your score" in r.text)
                run.in_db = len(acked & stored)
                if graded != len(acked):
                    print(f"  warning: {len(acked) - graded} acknowledged answers got no grade")
                runs.append(run)
            try:
                before = cpu_seconds(bot.pid)
                quiz = await quiz_round_run(world, db, reply)
                quiz.cpu_ms = cpu_per_answer(before, cpu_seconds(bot.pid), quiz.sent)
                runs.append(quiz)
            except RemoteError as error:  # the bot did not even start the quiz in time
                print(f"  quiz round: {error}")
                runs.append(Run(f"quiz round, {QUIZ_ANSWERS} in 1 s", QUIZ_ANSWERS, 0, 0.0, [], 0))
            return runs
        finally:
            bot.terminate()
            try:
                bot.wait(30)
            except subprocess.TimeoutExpired:
                bot.kill()
            log.close()


QUIZ_ANSWERS = 300


async def quiz_round_run(world: RemoteWorld, db: Path, reply: Callable[[int], str]) -> Run:
    """300 members answer one live-quiz round within one second (its form, as the Answer button opens it);
    then /quiz stop scores the round, and every acknowledged answer must be in the quiz results."""
    fake, channel = world.fake, world.channel_id
    start = await fake.slash(world.guild.id, world.teacher.id, "quiz start", {"deck": "cours-2", "rounds": 1})
    assert start.acknowledged, start.text
    form = None
    for _ in range(200):
        for message in await fake.messages_in(channel):
            for row in message.get("components") or ():
                for button in row.get("components") or ():
                    custom_id = str(button.get("custom_id", ""))
                    if custom_id.startswith("quiz:answer:"):
                        _, _, qid, number = custom_id.split(":")
                        form = f"quiz:m:{qid}:{number}"
        if form:
            break
        await asyncio.sleep(0.05)
    assert form is not None, "the quiz round was never posted"
    members = world.member_ids[:QUIZ_ANSWERS]
    items = [(m, {"answer:text": reply(i)}) for i, m in enumerate(members)]
    ids = await fake.modal_batch(world.guild.id, channel, form, items, spread=ARRIVAL_SECONDS)
    results = await fake.wait_interactions(ids, timeout=ACK_LIMIT_S + 5)
    started = min(r.created for r in results)
    last = max((r.last_call for r in results if r.last_call is not None), default=started)
    run = summarise(f"quiz round, {QUIZ_ANSWERS} in 1 s", [Outcome.of(r) for r in results], last - started)
    await fake.slash(world.guild.id, world.teacher.id, "quiz stop", {})
    acked = {r.user_id for r in results if r.acknowledged}
    stored: set[int] = set()
    for _ in range(200):  # the round is scored and saved once stopped
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            stored = {m for (m,) in conn.execute("SELECT member_id FROM quiz_results")}
        if stored:
            break
        await asyncio.sleep(0.05)
    run.in_db = len(acked & stored)
    return run


def report(runs: list[Run]) -> None:
    print(
        f"{'':28} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'acked':>7} {'in DB':>7}"
        f" {'CPU ms/answer':>14} {'thinking first':>15}"
    )
    for run in runs:
        in_db = "—" if run.in_db is None else f"{run.in_db}"
        worst = max(run.latencies_ms, default=float("nan"))
        cpu = "—" if run.cpu_ms is None else f"{run.cpu_ms:.2f}"
        print(
            f"{run.label:28} {run.rate:10.0f} {run.percentile(50):8.1f} {run.percentile(99):8.1f} "
            f"{worst:8.1f} {run.acknowledged:>4}/{run.sent:<4} {in_db:>5} {cpu:>14} {run.deferred:>15}"
        )


async def run_all() -> int:
    logging.getLogger("discord").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        raw = await raw_runs()
        ours = await (
            process_bot_runs(Path(folder)) if FAKE_MODE == "process" else bot_runs(Path(folder) / "load.db")
        )
    where = (
        "in its own process, the bot as a `tutorbot run` process"
        if FAKE_MODE == "process"
        else "in the bot's event loop"
    )
    print(
        f"{MEMBERS} members answer in {ARRIVAL_SECONDS:g} s (paced), then {MEMBERS} more at once (burst); "
        f"the fake Discord runs {where}"
    )
    report(raw + ours)
    raw_paced, raw_burst = raw
    bot_paced, bot_burst = ours[:2]
    extra_ms = (
        1000 / bot_burst.rate - 1000 / raw_burst.rate if bot_burst.rate and raw_burst.rate else float("nan")
    )
    print(
        f"bot cost: paced {bot_paced.rate:.0f}/s vs {raw_paced.rate:.0f}/s with an empty handler "
        f"(ratio {bot_paced.rate / raw_paced.rate:.2f}), p99 {bot_paced.percentile(99):.0f} ms vs "
        f"{raw_paced.percentile(99):.0f} ms (target: ratio 0.5 or more, p99 1000 ms at most; Discord allows "
        f"{ACK_LIMIT_S * 1000:.0f} ms); burst capacity {bot_burst.rate:.0f}/s vs {raw_burst.rate:.0f}/s "
        f"(ratio {bot_burst.rate / raw_burst.rate:.2f}, {extra_ms:.1f} ms more per answer)"
    )
    ok = all(r.acknowledged == r.sent for r in raw + ours) and all(r.in_db == r.acknowledged for r in ours)
    print("every acknowledged answer is in the database" if ok else "FAILED: lost or unacknowledged answers")
    return 0 if ok else 1


def main() -> int:
    return asyncio.run(run_all())


if __name__ == "__main__":
    sys.exit(main())
