"""``/quiz start [deck] [rounds] [seconds] [target]`` and ``/quiz stop``: a live quiz race in a channel.

A thin adapter over ``services.quiz`` (:mod:`bot.quiz.service`), which runs each quiz's loop; this cog is
the channel the loop plays on (a :class:`bot.quiz.service.QuizTable`) and turns clicks and forms into calls.
Members answer through the round's button and a form; each gets a private receipt with their points. The
button is a dynamic item and the form is handled by its custom id, so a click or an answer that arrives after
the quiz (or after a restart of the bot) gets a clear "this quiz is over" instead of a failed interaction.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.content import Content
from bot.errors import UserError
from bot.i18n import t, tn
from bot.quiz import render
from bot.quiz.game import (
    MAX_ANSWER_CHARS,
    MAX_ROUND_SECONDS,
    MAX_ROUNDS,
    MAX_TARGET,
    MIN_ROUND_SECONDS,
    MIN_TARGET,
    Quiz,
    QuizRound,
)
from bot.quiz.service import QuizService, TableGone
from cogs.kit.access import cmd, is_teacher, language, require_services, services_of
from cogs.kit.autocomplete import deck_choices
from cogs.kit.embeds import to_embed
from cogs.kit.errors import guarded
from cogs.kit.forms import answer_form, form_routes, submitted_answer
from cogs.kit.lanes import first_response
from cogs.kit.markup import DISCORD
from cogs.kit.names import remember
from cogs.kit.replies import NO_PINGS, send_private

log = logging.getLogger(__name__)

FORM_ID = re.compile(r"quiz:m:(?P<qid>[0-9a-f]{12}):(?P<round>\d{1,2})")


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


class ChannelTable:
    """A quiz's channel, as the core's loop sees it."""

    def __init__(self, channel: discord.abc.Messageable, lang: str) -> None:
        self.channel = channel
        self.lang = lang
        self._question: discord.Message | None = None

    async def show_round(self, content: Content, quiz: Quiz, played: QuizRound) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(QuizAnswerButton(quiz.id, played.number, label=t("common.answer", self.lang)))
        try:
            self._question = await self.channel.send(
                embed=to_embed(content), view=view, allowed_mentions=NO_PINGS
            )
        except discord.HTTPException as error:
            raise TableGone(str(error)) from error

    async def close_round(self, content: Content) -> None:
        question, self._question = self._question, None
        if question is None:
            return
        try:
            await question.edit(embed=to_embed(content), view=None)
        except discord.NotFound:
            log.info("the question of a quiz was deleted")
        except discord.HTTPException as error:
            raise TableGone(str(error)) from error

    async def say(self, content: Content | str) -> None:
        try:
            if isinstance(content, str):
                await self.channel.send(content, allowed_mentions=NO_PINGS)
            else:
                await self.channel.send(embed=to_embed(content), allowed_mentions=NO_PINGS)
        except discord.HTTPException as error:
            raise TableGone(str(error)) from error


class QuizCog(commands.Cog, name="Quiz"):
    """``/quiz start``, ``/quiz stop``, and the answers of the running quizzes."""

    quiz = app_commands.Group(
        name="quiz",
        description=cmd("A live quiz race in this channel", "quiz.cmd.quiz"),
        guild_only=True,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @property
    def quizzes(self) -> QuizService:
        return require_services(self.bot).quiz

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(QuizAnswerButton)
        form_routes(self.bot).add(FORM_ID, self.on_answer_form)
        services = services_of(self.bot)
        if services is not None:
            services.quiz.markup = DISCORD
        self._recovered = False

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Once connected: quizzes a crash cut short end visibly in their channels, their points kept."""
        services = services_of(self.bot)
        if services is None or self._recovered:
            return
        self._recovered = True
        try:
            ended = await services.quiz.recover(
                lambda channel_id: self.bot.get_channel(channel_id) is not None
            )
        except Exception:
            log.exception("could not end the quizzes cut short by a restart")
            return
        for channel_id, content in ended:
            channel = self.bot.get_channel(channel_id)
            if isinstance(channel, discord.abc.Messageable):
                try:
                    await channel.send(embed=to_embed(content), allowed_mentions=NO_PINGS)
                except discord.HTTPException as error:
                    log.info("could not tell channel %s its quiz ended: %s", channel_id, error)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(QuizAnswerButton)
        form_routes(self.bot).remove(FORM_ID)

    # ----------------------------------------------------------------------------------------- commands

    @quiz.command(
        name="start",
        description=cmd("Start a live quiz in this channel: members race to answer", "quiz.cmd.start"),
    )
    @app_commands.describe(
        deck=cmd("The deck to draw questions from (default: the server's deck)", "quiz.cmd.start.deck"),
        rounds=cmd("How many rounds (default 5)", "quiz.cmd.start.rounds"),
        seconds=cmd("Seconds per round (10 to 300; default 60)", "quiz.cmd.start.seconds"),
        target=cmd("End the quiz once someone has this many points (10 to 1000)", "quiz.cmd.start.target"),
    )
    @app_commands.autocomplete(deck=deck_choices)
    async def start(
        self,
        interaction: discord.Interaction,
        deck: str | None = None,
        rounds: app_commands.Range[int, 1, MAX_ROUNDS] | None = None,
        seconds: app_commands.Range[int, MIN_ROUND_SECONDS, MAX_ROUND_SECONDS] | None = None,
        target: app_commands.Range[int, MIN_TARGET, MAX_TARGET] | None = None,
    ) -> None:
        lang = await language(interaction)
        channel = interaction.channel
        rights = interaction.app_permissions
        if (
            channel is None
            or interaction.guild_id is None
            or not isinstance(channel, discord.abc.Messageable)
            or not (rights.view_channel and rights.send_messages and rights.embed_links)
        ):
            raise UserError("quiz.error.cannot_post")
        quizzes = self.quizzes
        remember(services_of(self.bot), interaction.guild_id, interaction.user)
        quiz = await quizzes.prepare(
            interaction.guild_id,
            channel.id,
            deck,
            rounds,
            interaction.user.id,
            seconds=seconds,
            target=target,
        )
        running = quizzes.claim(quiz, ChannelTable(channel, lang), lang)
        try:
            await interaction.response.send_message(
                embed=to_embed(
                    render.announce(quiz, lang, DISCORD, {interaction.user.id: interaction.user.display_name})
                ),
                allowed_mentions=NO_PINGS,
            )
        except BaseException:
            quizzes.forget(running)
            raise
        quizzes.start(running)

    @quiz.command(
        name="stop",
        description=cmd("Stop this channel's quiz now (who started it, or a teacher)", "quiz.cmd.stop"),
    )
    async def stop(self, interaction: discord.Interaction) -> None:
        lang = await language(interaction)
        self.quizzes.stop(
            interaction.channel_id or 0, interaction.user.id, teacher=await is_teacher(interaction)
        )
        await send_private(interaction, t("quiz.stopping", lang))

    # ----------------------------------------------------------------------------------------- answers

    async def on_answer_click(
        self, interaction: discord.Interaction, quiz_id: str, round_number: int
    ) -> None:
        async with guarded(interaction, self.quizzes.language_of(quiz_id)) as lang:
            quiz, played = self.quizzes.can_answer(
                quiz_id, interaction.guild_id, interaction.user.id, round_number, interaction.channel_id
            )
            form = answer_form(
                f"quiz:m:{quiz.id}:{played.number}",
                title=t("quiz.modal_title", lang, n=played.number),
                question=played.card.question,
                label=t("quiz.modal_label", lang),
                hint=tn("quiz.expected", len(played.card.items), lang),
                placeholder=t("quiz.modal_placeholder", lang),
                max_length=MAX_ANSWER_CHARS,
            )
            async with first_response(interaction):
                await interaction.response.send_modal(form)

    async def on_answer_form(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        """An answer typed in a round's form, known by its custom id (late ones are told the quiz is over)."""
        reply = submitted_answer(interaction)
        async with guarded(interaction, self.quizzes.language_of(match["qid"])) as lang:
            answer = await self.quizzes.submit(
                match["qid"],
                interaction.guild_id,
                interaction.user.id,
                int(match["round"]),
                reply,
                interaction.channel_id,
            )
            await send_private(interaction, render.receipt(answer, lang, DISCORD))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(QuizCog(bot))
