"""``/practice [deck] [count] [mode]``: a private practice session with spaced repetition (or, with
``mode: mistakes``, on the cards the member got wrong most recently).

A thin adapter over ``services.practice`` (:mod:`bot.practice.service`): an ephemeral message shows a
question with **Answer** (a form), **I don't know — show me** (a miss, with every item shown) and **Stop**;
the answer turns the same message into the full feedback with **Next** and **Stop**; the last answer, or
Stop, shows the summary: the weakest cards and when the next review is due.

Everything survives a restart of the bot. The buttons are dynamic items (``practice:<action>:<session>...``),
recognised by their custom id rather than by a view kept in memory, and the answer form is handled by its
custom id in :meth:`Practice.on_interaction`, so an answer typed while the bot restarted is still graded. The
session itself lives in the store; an idle one expires and says so.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import t, tn
from bot.practice import render
from bot.practice.service import (
    MAX_ANSWER_CHARS,
    MAX_COUNT,
    Feedback,
    Gone,
    Mode,
    PracticeService,
    Question,
    Summary,
)
from cogs.kit.access import cmd, require_services
from cogs.kit.autocomplete import deck_choices
from cogs.kit.embeds import to_embed
from cogs.kit.errors import guarded
from cogs.kit.forms import answer_form, form_routes, submitted_answer
from cogs.kit.markup import DISCORD
from cogs.kit.replies import NO_PINGS, send_private

FORM_ID = re.compile(r"practice:m:(?P<sid>[0-9a-f]{8}):(?P<pos>\d{1,3})")


# --------------------------------------------------------------------------------------------- components


class PracticeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"practice:(?P<action>answer|idk|next|stop):(?P<sid>[0-9a-f]{8})(?::(?P<pos>\d{1,3}))?",
):
    """Answer, "I don't know", Next or Stop of one session; works on any message, also after a restart."""

    def __init__(
        self,
        action: str,
        session_id: str,
        position: int | None = None,
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        custom_id = f"practice:{action}:{session_id}" + (f":{position}" if position is not None else "")
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.action = action
        self.session_id = session_id
        self.position = position

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PracticeButton:
        position = match["pos"]
        # The clicked button as sent (its label in the guild's language at the time).
        button = item if isinstance(item, discord.ui.Button) else discord.ui.Button[Any]()
        return cls(
            match["action"],
            match["sid"],
            int(position) if position is not None else None,
            label=button.label or "…",
            style=button.style,
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Practice")  # type: ignore[attr-defined]
        if isinstance(cog, Practice):
            await cog.on_button(interaction, self.action, self.session_id, self.position)


def session_view(question: Question, lang: str, *, answered: bool) -> discord.ui.View:
    """The session's buttons: Answer, "I don't know — show me" and Stop on a question, Next and Stop once it
    is answered."""
    action, label = ("next", "common.next") if answered else ("answer", "common.answer")
    view = discord.ui.View(timeout=None)
    view.add_item(
        PracticeButton(
            action,
            question.session_id,
            question.position,
            label=t(label, lang),
            style=discord.ButtonStyle.primary,
        )
    )
    if not answered:
        view.add_item(
            PracticeButton("idk", question.session_id, question.position, label=t("practice.idk", lang))
        )
    view.add_item(PracticeButton("stop", question.session_id, label=t("common.stop", lang)))
    return view


def practice_form(question: Question, lang: str) -> discord.ui.Modal:
    return answer_form(
        f"practice:m:{question.session_id}:{question.position}",
        title=t("practice.modal_title", lang, n=question.number, total=question.total),
        question=question.question,
        label=t("practice.modal_label", lang),
        hint=tn("practice.expected", question.item_count, lang),
        placeholder=tn("practice.modal_placeholder", question.item_count, lang),
        max_length=MAX_ANSWER_CHARS,
    )


# --------------------------------------------------------------------------------------------- the cog


class Practice(commands.Cog):
    """``/practice`` and the buttons and form of its sessions."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @property
    def sessions(self) -> PracticeService:
        return require_services(self.bot).practice

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PracticeButton)
        form_routes(self.bot).add(FORM_ID, self.on_answer_form)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PracticeButton)
        form_routes(self.bot).remove(FORM_ID)

    # ----------------------------------------------------------------------------------------- command

    @app_commands.command(
        name="practice",
        description=cmd("Practise on your own with spaced repetition (private)", "practice.cmd.practice"),
    )
    @app_commands.guild_only()
    @app_commands.describe(
        deck=cmd("The deck to practise (default: the server's deck)", "practice.cmd.practice.deck"),
        count=cmd("How many questions (default 5)", "practice.cmd.practice.count"),
        mode=cmd(
            "Spaced repetition (default), or the cards you got wrong most recently",
            "practice.cmd.practice.mode",
        ),
    )
    @app_commands.choices(
        mode=[
            app_commands.Choice(name=cmd("Spaced repetition", "practice.mode.spaced"), value="spaced"),
            app_commands.Choice(name=cmd("My mistakes", "practice.mode.mistakes"), value="mistakes"),
        ]
    )
    @app_commands.autocomplete(deck=deck_choices)
    async def practice(
        self,
        interaction: discord.Interaction,
        deck: str | None = None,
        count: app_commands.Range[int, 1, MAX_COUNT] | None = None,
        mode: str = "spaced",
    ) -> None:
        assert interaction.guild_id is not None  # guild_only
        async with guarded(interaction) as lang:
            chosen: Mode = "mistakes" if mode == "mistakes" else "spaced"
            started = await self.sessions.start(
                interaction.guild_id, interaction.user.id, deck, count, chosen
            )
            await send_private(
                interaction,
                embed=to_embed(render.started(started, lang, DISCORD)),
                view=session_view(started.question, lang, answered=False),
            )

    # ----------------------------------------------------------------------------------------- buttons

    async def on_button(
        self, interaction: discord.Interaction, action: str, session_id: str, position: int | None
    ) -> None:
        async with guarded(interaction) as lang:
            guild_id, member_id = interaction.guild_id or 0, interaction.user.id
            step: Question | Summary | Gone
            if action == "answer":
                step = await self.sessions.question(guild_id, member_id, session_id)
                if isinstance(step, Question):
                    await interaction.response.send_modal(practice_form(step, lang))
                    return
            elif action == "idk":
                shown = await self.sessions.give_up(guild_id, member_id, session_id, position or 0)
                await self._show(interaction, shown, lang)
                return
            elif action == "next":
                step = await self.sessions.advance(guild_id, member_id, session_id, position or 0)
            else:
                step = await self.sessions.stop(guild_id, member_id, session_id)
            await self._show(interaction, step, lang)

    async def on_answer_form(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        """An answer typed in the form (recognised by its custom id, so also across a restart)."""
        reply = submitted_answer(interaction)
        async with guarded(interaction) as lang:
            feedback = await self.sessions.answer(
                interaction.guild_id or 0, interaction.user.id, match["sid"], int(match["pos"]), reply
            )
            await self._show(interaction, feedback, lang)

    async def _show(
        self, interaction: discord.Interaction, step: Question | Summary | Feedback | Gone, lang: str
    ) -> None:
        """Turn the session's message into ``step``."""
        edit = interaction.response.edit_message
        if isinstance(step, Question):
            await edit(
                content=None,
                embeds=[to_embed(render.question(step, lang, DISCORD))],
                view=session_view(step, lang, answered=False),
                allowed_mentions=NO_PINGS,
            )
        elif isinstance(step, Feedback):
            embeds = [to_embed(render.feedback(step, lang, DISCORD))]
            if step.summary is not None:
                embeds.append(to_embed(render.summary(step.summary, lang, DISCORD)))
            view = None if step.last else session_view(step.question, lang, answered=True)
            await edit(content=None, embeds=embeds, view=view, allowed_mentions=NO_PINGS)
        elif isinstance(step, Summary):
            await edit(
                content=None, embeds=[to_embed(render.summary(step, lang, DISCORD))], view=None,
                allowed_mentions=NO_PINGS,
            )  # fmt: skip
        else:
            minutes = int(self.sessions.lifetime.total_seconds() // 60)
            await edit(
                content=render.gone(step, lang, minutes), embeds=[], view=None, allowed_mentions=NO_PINGS
            )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Practice(bot))
