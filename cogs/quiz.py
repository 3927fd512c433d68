"""``/quiz start [deck] [rounds]`` and ``/quiz stop``: a live quiz race in a channel.

A thin adapter over :mod:`bot.quiz`. Each running quiz is a :class:`QuizSession`: its own task posts each
round's question with an **Answer** button, waits for the round's time, closes the round and posts the answer
key with the round's scoreboard and the standings, and at the end the final scoreboard; the results then go to
the quiz leaderboard. One quiz per channel at a time.

Members answer through the button and a modal; each gets a private receipt with their points. The button is
a dynamic item and the modal is handled by its custom id, so a click or an answer that arrives after the
quiz (or after a restart of the bot) gets a clear "this quiz is over" instead of a failed interaction.

For tests, the cog's ``timer`` (how a round's time passes), ``clock`` (for the speed bonus), ``rng`` (the
cards drawn) and ``round_seconds`` / ``pause_seconds`` can be replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import format_number, t, tn
from bot.quiz import (
    DEFAULT_ROUND_SECONDS,
    ITEM_POINTS,
    MAX_ANSWER_CHARS,
    MAX_ROUNDS,
    SPEED_BONUS,
    DeckProblem,
    Quiz,
    QuizAnswer,
    QuizError,
    QuizRound,
    RoundResult,
    Standing,
)
from cogs.common import (
    NO_PINGS,
    cmd,
    deck_choices,
    is_teacher,
    language,
    modal_submission,
    safe,
    send_private,
)

log = logging.getLogger(__name__)

Timer = Callable[[float], Awaitable[None]]

ANSWER_INPUT = "quiz:text"
MODAL_ID = re.compile(r"quiz:m:(?P<qid>[0-9a-f]{12}):(?P<round>\d{1,2})")
#: Seconds between a round's scoreboard and the next question.
PAUSE_SECONDS = 8.0
#: Lines of a round's scoreboard and of the standings shown; the rest are counted.
SHOWN = 10
_MEDALS = ("🥇", "🥈", "🥉")
_DESCRIPTION_LIMIT = 4000
_COLOUR = discord.Colour.orange()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _clip(lines: list[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= _DESCRIPTION_LIMIT else text[: _DESCRIPTION_LIMIT - 1] + "…"


def _member(member_id: int) -> str:
    # A mention inside an embed shows the member's name and never notifies anyone.
    return f"<@{member_id}>"


# --------------------------------------------------------------------------------------------- rendering


def announce_embed(quiz: Quiz, starter: str, lang: str) -> discord.Embed:
    return discord.Embed(
        title=t("quiz.announce_title", lang, deck=safe(quiz.deck_title, 150)),
        description="\n\n".join(
            (
                tn(
                    "quiz.announce",
                    quiz.rounds_total,
                    lang,
                    starter=starter,
                    seconds=format_number(quiz.round_seconds, lang),
                ),
                t("quiz.rules", lang, item_points=ITEM_POINTS, bonus=SPEED_BONUS),
            )
        ),
        colour=_COLOUR,
    )


def round_embed(quiz: Quiz, played: QuizRound, lang: str, *, open_: bool = True) -> discord.Embed:
    ends = (
        t("quiz.round_ends", lang, when=discord.utils.format_dt(played.ends_at, "R"))
        if open_
        else t("quiz.round_closed", lang)
    )
    embed = discord.Embed(
        title=t("quiz.round_title", lang, n=played.number, total=quiz.rounds_total),
        description=_clip([f"**{safe(played.card.question, 1500)}**", "", ends]),
        colour=_COLOUR if open_ else discord.Colour.dark_grey(),
    )
    embed.set_footer(text=tn("quiz.expected", len(played.card.items), lang))
    return embed


def _standing_lines(standings: tuple[Standing, ...], lang: str) -> list[str]:
    lines = [
        t(
            "quiz.standing_line",
            lang,
            place=_MEDALS[row.rank - 1] if row.rank <= len(_MEDALS) else f"{row.rank}.",
            member=_member(row.member_id),
            points=tn("common.points", row.points, lang),
        )
        for row in standings[:SHOWN]
    ]
    if len(standings) > SHOWN:
        lines.append(tn("quiz.more", len(standings) - SHOWN, lang))
    return lines


def _answer_line(rank: int, answer: QuizAnswer, lang: str) -> str:
    return t(
        "quiz.round_line",
        lang,
        rank=rank,
        member=_member(answer.member_id),
        found=answer.credited,
        total=answer.total,
        points=tn("common.points", answer.points, lang),
        bonus=answer.bonus,
        seconds=format_number(answer.seconds, lang, decimals=1),
    )


def round_result_embed(quiz: Quiz, result: RoundResult, lang: str, next_at: datetime | None) -> discord.Embed:
    played = result.round
    lines = [f"**{safe(played.card.question, 1000)}**", "", f"**{t('quiz.key_header', lang)}**"]
    for item in played.card.items:
        if item.detail:
            lines.append(
                t(
                    "quiz.key_item_detail",
                    lang,
                    item=f"**{safe(item.answer, 200)}**",
                    detail=safe(item.detail, 300),
                )
            )
        else:
            lines.append(t("quiz.key_item", lang, item=f"**{safe(item.answer, 200)}**"))
    lines += ["", f"**{t('quiz.round_header', lang)}**"]
    if result.ranking:
        lines += [_answer_line(rank, a, lang) for rank, a in enumerate(result.ranking[:SHOWN], start=1)]
        if len(result.ranking) > SHOWN:
            lines.append(tn("quiz.more", len(result.ranking) - SHOWN, lang))
    else:
        lines.append(t("quiz.round_nobody", lang))
    if result.standings and not result.last:
        lines += ["", f"**{t('quiz.standings_header', lang)}**", *_standing_lines(result.standings, lang)]
    if next_at is not None:
        lines += ["", t("quiz.next_round", lang, when=discord.utils.format_dt(next_at, "R"))]
    return discord.Embed(
        title=t("quiz.round_over_title", lang, n=played.number, total=quiz.rounds_total),
        description=_clip(lines),
        colour=discord.Colour.dark_grey(),
    )


def final_embed(quiz: Quiz, lang: str) -> discord.Embed:
    standings = quiz.standings()
    lines = [tn("quiz.final_rounds", quiz.played, lang), ""]
    if standings:
        lines += [*_standing_lines(standings, lang), "", t("quiz.final_saved", lang)]
    else:
        lines.append(t("quiz.final_nobody", lang))
    return discord.Embed(
        title=t("quiz.final_title", lang, deck=safe(quiz.deck_title, 150)),
        description=_clip(lines),
        colour=discord.Colour.gold(),
    )


def receipt_text(answer: QuizAnswer, lang: str) -> str:
    if not answer.credited:
        return t("quiz.received_none", lang, n=answer.round_number)
    return t(
        "quiz.received",
        lang,
        n=answer.round_number,
        found=answer.credited,
        total=answer.total,
        items=safe(", ".join(answer.found_items), 500),
        points=tn("common.points", answer.points, lang),
        base=answer.base,
        bonus=answer.bonus,
    )


def deck_problem_text(problem: DeckProblem, lang: str) -> str:
    if problem.reason == "unknown":
        return t("quiz.error.unknown_deck", lang, name=safe(problem.name, 100))
    if problem.reason == "empty":
        return t("quiz.error.empty_deck", lang, name=safe(problem.name, 100))
    return t("quiz.error.no_deck", lang)


# --------------------------------------------------------------------------------------------- components


class QuizAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:answer:(?P<qid>[0-9a-f]{12}):(?P<round>\d{1,2})",
):
    """A round's Answer button; recognised by its custom id, so a late click still gets an answer."""

    def __init__(self, quiz_id: str, round_number: int, *, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=f"quiz:answer:{quiz_id}:{round_number}",
            )
        )
        self.quiz_id = quiz_id
        self.round_number = round_number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QuizAnswerButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["qid"], int(match["round"]), label=label or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Quiz")  # type: ignore[attr-defined]
        if isinstance(cog, QuizCog):
            await cog.on_answer_click(interaction, self.quiz_id, self.round_number)


def answer_view(quiz: Quiz, played: QuizRound, lang: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(QuizAnswerButton(quiz.id, played.number, label=t("common.answer", lang)))
    return view


def answer_modal(quiz: Quiz, played: QuizRound, lang: str) -> discord.ui.Modal:
    """Only a form: the submission is handled by custom id in ``QuizCog.on_interaction``."""
    modal = discord.ui.Modal(
        title=t("quiz.modal_title", lang, n=played.number),
        custom_id=f"quiz:m:{quiz.id}:{played.number}",
        timeout=None,
    )
    modal.add_item(
        discord.ui.TextInput(
            label=t("quiz.modal_label", lang),
            style=discord.TextStyle.paragraph,
            custom_id=ANSWER_INPUT,
            placeholder=t("quiz.modal_placeholder", lang),
            max_length=MAX_ANSWER_CHARS,
        )
    )
    modal.stop()  # never kept by discord.py: a late submission reaches on_interaction, which says so
    return modal


# --------------------------------------------------------------------------------------------- a session


class QuizSession:
    """One running quiz in one channel: the rounds' loop in its own task, with its own error handling."""

    def __init__(
        self,
        cog: QuizCog,
        quiz: Quiz,
        channel: discord.abc.Messageable,
        lang: str,
        *,
        timer: Timer,
        pause_seconds: float,
    ) -> None:
        self.cog = cog
        self.quiz = quiz
        self.channel = channel
        self.lang = lang
        self.timer = timer
        self.pause_seconds = pause_seconds
        self.task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._question: discord.Message | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name=f"quiz {self.quiz.id}")

    def request_stop(self) -> None:
        """End after the round in progress is scored (its time is cut short)."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def run(self) -> None:
        try:
            await self._play()
        except asyncio.CancelledError:
            # The bot is shutting down: keep the rounds played; the channel is not told (Discord may be gone).
            await self._save_quietly()
            raise
        except discord.HTTPException as error:
            # Lost the right to post, Discord unreachable...: not a bug, but the quiz cannot go on.
            ref = secrets.token_hex(3)
            log.warning(
                "quiz %s in channel %s stopped (ref %s): %s", self.quiz.id, self.quiz.channel_id, ref, error
            )
            await self._save_quietly()
            await self._say_failed(ref)
        except Exception:
            ref = secrets.token_hex(3)
            log.exception("quiz %s failed (ref %s)", self.quiz.id, ref)
            await self._save_quietly()
            await self._say_failed(ref)
        finally:
            self.cog.forget(self)

    async def _play(self) -> None:
        quiz, lang = self.quiz, self.lang
        while quiz.has_next and not self.stopping:
            played = quiz.start_round()
            self._question = await self.channel.send(
                embed=round_embed(quiz, played, lang),
                view=answer_view(quiz, played, lang),
                allowed_mentions=NO_PINGS,
            )
            await self._wait(quiz.round_seconds)
            result = quiz.close_round()
            await self._close_question(round_embed(quiz, played, lang, open_=False))
            pause = quiz.has_next and not self.stopping
            next_at = quiz.clock() + timedelta(seconds=self.pause_seconds) if pause else None
            await self.channel.send(
                embed=round_result_embed(quiz, result, lang, next_at), allowed_mentions=NO_PINGS
            )
            if pause:
                await self._wait(self.pause_seconds)
        # Saved before the final message: whoever reads the scoreboard can already find it on the leaderboard.
        await quiz.save(self.cog.store)
        await self.channel.send(embed=final_embed(quiz, lang), allowed_mentions=NO_PINGS)

    async def _close_question(self, embed: discord.Embed) -> None:
        """The round's message without its button; a moderator may have deleted it, which is no reason to
        end the quiz."""
        if self._question is None:
            return
        try:
            await self._question.edit(embed=embed, view=None)
        except discord.NotFound:
            log.info("the question of quiz %s was deleted", self.quiz.id)
        self._question = None

    async def _wait(self, seconds: float) -> None:
        """The timer's wait, cut short by a stop request."""
        if self.stopping:
            return
        timer = asyncio.ensure_future(self.timer(seconds))
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({timer, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (timer, stop):
                waiter.cancel()
            await asyncio.gather(timer, stop, return_exceptions=True)

    async def _save_quietly(self) -> None:
        if self.quiz.saved or not self.quiz.standings():
            return
        try:
            await self.quiz.save(self.cog.store)
        except Exception:
            log.exception("could not save the results of quiz %s", self.quiz.id)

    async def _say_failed(self, ref: str) -> None:
        # The open round's button first (a click would only be told the quiz is over), then the notice.
        if self._question is not None:
            with contextlib.suppress(discord.HTTPException):
                await self._question.edit(view=None)
        try:
            await self.channel.send(t("quiz.error.failed", self.lang, ref=ref), allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.warning("could not tell channel %s that quiz %s stopped", self.quiz.channel_id, self.quiz.id)


# --------------------------------------------------------------------------------------------- the cog


class QuizCog(commands.Cog, name="Quiz"):
    """``/quiz start``, ``/quiz stop``, and the answers of the running quizzes."""

    quiz = app_commands.Group(
        name="quiz",
        description=cmd("A live quiz race in this channel", "quiz.cmd.quiz"),
        guild_only=True,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        #: Running quizzes by channel id, and by quiz id (for their buttons and modals).
        self.by_channel: dict[int, QuizSession] = {}
        self.by_id: dict[str, QuizSession] = {}
        self.round_seconds = DEFAULT_ROUND_SECONDS
        self.pause_seconds = PAUSE_SECONDS
        #: How a round's time passes; tests replace it with a timer they fire themselves.
        self.timer: Timer = asyncio.sleep
        #: The time source of the speed bonus; None: the bot's clock, else UTC now.
        self.clock: Callable[[], datetime] | None = None
        self.rng: random.Random | None = None

    @property
    def store(self) -> Any:
        store = getattr(self.bot, "store", None)
        if store is None:
            raise RuntimeError("the bot has no store: the quiz needs the database")
        return store

    def _now(self) -> datetime:
        clock = self.clock or getattr(self.bot, "clock", None) or _utc_now
        return clock()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(QuizAnswerButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(QuizAnswerButton)
        sessions = list(self.by_channel.values())
        for session in sessions:
            if session.task is not None:
                session.task.cancel()
        await asyncio.gather(*(s.task for s in sessions if s.task is not None), return_exceptions=True)

    def forget(self, session: QuizSession) -> None:
        if self.by_channel.get(session.quiz.channel_id) is session:
            del self.by_channel[session.quiz.channel_id]
        self.by_id.pop(session.quiz.id, None)

    # ----------------------------------------------------------------------------------------- commands

    @quiz.command(
        name="start",
        description=cmd("Start a live quiz in this channel: members race to answer", "quiz.cmd.start"),
    )
    @app_commands.describe(
        deck=cmd("The deck to draw questions from (default: the server's deck)", "quiz.cmd.start.deck"),
        rounds=cmd("How many rounds (default 5)", "quiz.cmd.start.rounds"),
    )
    async def start(
        self,
        interaction: discord.Interaction,
        deck: str | None = None,
        rounds: app_commands.Range[int, 1, MAX_ROUNDS] | None = None,
    ) -> None:
        lang = await language(interaction)
        channel = interaction.channel
        if channel is None or interaction.guild_id is None or not hasattr(channel, "send"):
            await send_private(interaction, t("quiz.error.cannot_post", lang))
            return
        if channel.id in self.by_channel:
            await send_private(interaction, t("quiz.error.busy", lang))
            return
        rights = interaction.app_permissions
        if not (rights.view_channel and rights.send_messages and rights.embed_links):
            await send_private(interaction, t("quiz.error.cannot_post", lang))
            return
        try:
            quiz = await Quiz.prepare(
                self.store,
                guild_id=interaction.guild_id,
                channel_id=channel.id,
                deck_name=deck,
                rounds=rounds,
                round_seconds=self.round_seconds,
                clock=self._now,
                rng=self.rng,
                starter_id=interaction.user.id,
            )
        except DeckProblem as problem:
            await send_private(interaction, deck_problem_text(problem, lang))
            return
        if channel.id in self.by_channel:  # another /quiz start won the race while the deck loaded
            await send_private(interaction, t("quiz.error.busy", lang))
            return
        session = QuizSession(self, quiz, channel, lang, timer=self.timer, pause_seconds=self.pause_seconds)  # type: ignore[arg-type]
        self.by_channel[channel.id] = session
        self.by_id[quiz.id] = session
        try:
            await interaction.response.send_message(
                embed=announce_embed(quiz, _member(interaction.user.id), lang), allowed_mentions=NO_PINGS
            )
        except BaseException:
            self.forget(session)
            raise
        session.start()

    @start.autocomplete("deck")
    async def start_deck(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await deck_choices(interaction, current)

    @quiz.command(
        name="stop",
        description=cmd("Stop this channel's quiz now (who started it, or a teacher)", "quiz.cmd.stop"),
    )
    async def stop(self, interaction: discord.Interaction) -> None:
        lang = await language(interaction)
        session = self.by_channel.get(interaction.channel_id or 0)
        if session is None:
            await send_private(interaction, t("quiz.error.not_running", lang))
            return
        if interaction.user.id != session.quiz.starter_id and not await is_teacher(interaction):
            await send_private(interaction, t("quiz.error.not_starter", lang))
            return
        session.request_stop()
        await send_private(interaction, t("quiz.stopping", lang))

    # ----------------------------------------------------------------------------------------- answers

    async def on_answer_click(
        self, interaction: discord.Interaction, quiz_id: str, round_number: int
    ) -> None:
        session = self.by_id.get(quiz_id)
        lang = session.lang if session is not None else await language(interaction)
        try:
            if session is None:
                raise QuizError("quiz.error.over")
            played = session.quiz.check_can_answer(interaction.user.id, round_number)
            await interaction.response.send_modal(answer_modal(session.quiz, played, lang))
        except QuizError as error:
            await send_private(interaction, t(error.key, lang, **error.values))
        except Exception:
            await self._failed(interaction, lang)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answers typed in a round's modal, recognised by custom id (late ones are told the quiz is over)."""
        submitted = modal_submission(interaction, MODAL_ID, ANSWER_INPUT)
        if submitted is None:
            return
        match, reply = submitted
        session = self.by_id.get(match["qid"])
        lang = session.lang if session is not None else await language(interaction)
        try:
            if session is None:
                raise QuizError("quiz.error.over")
            answer = session.quiz.submit(interaction.user.id, int(match["round"]), reply)
            await send_private(interaction, receipt_text(answer, lang))
        except QuizError as error:
            await send_private(interaction, t(error.key, lang, **error.values))
        except Exception:
            await self._failed(interaction, lang)

    async def _failed(self, interaction: discord.Interaction, lang: str) -> None:
        ref = secrets.token_hex(3)
        log.exception("quiz interaction failed (ref %s)", ref)
        try:
            await send_private(interaction, t("common.error.internal_ref", lang, ref=ref))
        except discord.HTTPException:
            log.warning("could not tell the member about a failed quiz interaction")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(QuizCog(bot))
