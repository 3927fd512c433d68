"""``/practice [deck] [count]``: a private practice session with spaced repetition.

A thin adapter over :mod:`bot.practice_session`: an ephemeral message shows a question with **Answer** (a
modal) and **Stop**; the answer turns the same message into the full feedback with **Next** and **Stop**; the
last answer, or Stop, shows the summary.

Everything survives a restart of the bot. The buttons are dynamic items (``practice:<action>:<session>...``),
recognised by their custom id rather than by a view kept in memory, and the answer modal is handled by its
custom id in :meth:`Practice.on_interaction` (the modal object is never kept), so an answer typed while the
bot restarted is still graded. The session itself lives in the store; an idle one expires and says so.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import format_percent, t, tn
from bot.practice_session import (
    MAX_ANSWER_CHARS,
    MAX_COUNT,
    DeckProblem,
    Feedback,
    Gone,
    PracticeError,
    PracticeSessions,
    Question,
    Started,
    Summary,
)
from cogs.common import NO_PINGS, cmd, deck_choices, language, modal_submission, safe, send_private

log = logging.getLogger(__name__)

ANSWER_INPUT = "practice:text"
MODAL_ID = re.compile(r"practice:m:(?P<sid>[0-9a-f]{8}):(?P<pos>\d{1,3})")
#: Embed descriptions hold 4,096 characters; leave room for the ellipsis.
_DESCRIPTION_LIMIT = 4000
_COLOUR = discord.Colour.blurple()
_GOOD, _PARTIAL, _POOR = discord.Colour.green(), discord.Colour.gold(), discord.Colour.red()


def _utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------- rendering


def _clip(lines: list[str], limit: int = _DESCRIPTION_LIMIT) -> str:
    text = "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def question_embed(question: Question, lang: str, *, intro: str | None = None) -> discord.Embed:
    lines = [intro, ""] if intro else []
    lines += [f"**{safe(question.question, 1500)}**", "", t("practice.how_to", lang)]
    embed = discord.Embed(
        title=t(
            "practice.question_title",
            lang,
            n=question.number,
            total=question.total,
            deck=safe(question.deck_title, 150),
        ),
        description=_clip(lines),
        colour=_COLOUR,
    )
    embed.set_footer(text=tn("practice.expected", question.item_count, lang))
    return embed


def feedback_embed(feedback: Feedback, lang: str) -> discord.Embed:
    q = feedback.question
    lines = [f"**{safe(q.question, 1000)}**", ""]
    lines.append(f"**{t('practice.found_header', lang, count=feedback.found_count)}**")
    if not feedback.found:
        lines.append(t("practice.found_none", lang))
    for found in feedback.found:
        values = {"item": f"**{safe(found.answer, 200)}**", "part": safe(found.part, 200)}
        if found.via == "alias":
            lines.append(t("practice.found_item_alias", lang, **values))
        elif found.via == "detail":
            lines.append(t("practice.found_item_detail", lang, **values))
        else:
            lines.append(t("practice.found_item", lang, **values))
    lines.append("")
    if feedback.missed:
        lines.append(f"**{t('practice.missed_header', lang, count=len(feedback.missed))}**")
        for missed in feedback.missed:
            item = f"**{safe(missed.answer, 200)}**"
            if missed.detail:
                lines.append(
                    t("practice.missed_item_detail", lang, item=item, detail=safe(missed.detail, 400))
                )
            else:
                lines.append(t("practice.missed_item", lang, item=item))
    else:
        lines.append(t("practice.all_found", lang))
    if feedback.unmatched:
        lines += ["", f"**{t('practice.unmatched_header', lang)}**"]
        lines += [
            t("practice.unmatched_item", lang, part=safe(part, 200)) for part in feedback.unmatched[:10]
        ]
    if feedback.penalty:
        lines.append(
            tn(
                "practice.penalty",
                feedback.penalty,
                lang,
                extra=len(feedback.unmatched),
                cost=feedback.penalty,
            )
        )
    lines += [
        "",
        t(
            "practice.score",
            lang,
            found=feedback.found_count,
            total=feedback.total,
            percent=format_percent(feedback.score, lang),
        ),
        t(
            "practice.points",
            lang,
            points=tn("common.points", feedback.points, lang),
            total=tn("common.points", feedback.practice_points, lang),
        ),
        t("practice.next_review", lang, when=discord.utils.format_dt(feedback.due, "R")),
    ]
    colour = _GOOD if feedback.score >= 0.9 else _PARTIAL if feedback.score >= 0.4 else _POOR
    return discord.Embed(
        title=t(
            "practice.feedback_title",
            lang,
            n=q.number,
            total=q.total,
            found=feedback.found_count,
            count=feedback.total,
            percent=format_percent(feedback.score, lang),
        ),
        description=_clip(lines),
        colour=colour,
    )


def summary_embed(summary: Summary, lang: str) -> discord.Embed:
    if summary.answered:
        text = t(
            "practice.summary",
            lang,
            answered=summary.answered,
            total=summary.total,
            average=format_percent(summary.average, lang),
            best=format_percent(summary.best, lang),
            points=tn("common.points", summary.points, lang),
        )
    else:
        text = t("practice.summary_none", lang)
    return discord.Embed(
        title=t("practice.summary_title", lang, deck=safe(summary.deck_title, 150)),
        description=f"{text}\n\n{t('practice.again', lang)}",
        colour=_COLOUR,
    )


def gone_text(gone: Gone, lang: str, lifetime_minutes: int) -> str:
    if gone.reason == "expired":
        return t("practice.error.expired", lang, minutes=lifetime_minutes)
    return t("practice.error.ended", lang)


def deck_problem_text(problem: DeckProblem, lang: str) -> str:
    if problem.reason == "unknown":
        return t("practice.error.unknown_deck", lang, name=safe(problem.name, 100))
    if problem.reason == "empty":
        return t("practice.error.empty_deck", lang, name=safe(problem.name, 100))
    return t("practice.error.no_deck", lang)


# --------------------------------------------------------------------------------------------- components


class PracticeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"practice:(?P<action>answer|next|stop):(?P<sid>[0-9a-f]{8})(?::(?P<pos>\d{1,3}))?",
):
    """Answer, Next or Stop of one session; works on any message, also after a restart."""

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
    """The session's buttons: Answer and Stop on a question, Next and Stop once it is answered."""
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
    view.add_item(PracticeButton("stop", question.session_id, label=t("common.stop", lang)))
    return view


def answer_modal(question: Question, lang: str) -> discord.ui.Modal:
    """The answer form. It is only a form: its submission is handled by custom id in ``on_interaction``."""
    modal = discord.ui.Modal(
        title=t("practice.modal_title", lang, n=question.number, total=question.total),
        custom_id=f"practice:m:{question.session_id}:{question.position}",
        timeout=None,
    )
    modal.add_item(
        discord.ui.TextInput(
            label=t("practice.modal_label", lang),
            style=discord.TextStyle.paragraph,
            custom_id=ANSWER_INPUT,
            placeholder=tn("practice.modal_placeholder", question.item_count, lang),
            max_length=MAX_ANSWER_CHARS,
        )
    )
    # Stopped before it is sent, discord.py does not keep it: the submission goes to on_interaction, which
    # also works for a modal opened before a restart.
    modal.stop()
    return modal


# --------------------------------------------------------------------------------------------- the cog


class Practice(commands.Cog):
    """``/practice`` and the buttons and modal of its sessions."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        #: The time source of the sessions; None: the bot's clock (``TutorBot(clock=...)``), else UTC now.
        self.clock: Callable[[], datetime] | None = None
        self._sessions: PracticeSessions | None = None

    @property
    def sessions(self) -> PracticeSessions:
        if self._sessions is None:
            store = getattr(self.bot, "store", None)
            if store is None:
                raise RuntimeError("the bot has no store: practice needs the database")
            self._sessions = PracticeSessions(store, clock=self._now)
        return self._sessions

    def _now(self) -> datetime:
        clock = self.clock or getattr(self.bot, "clock", None) or _utc_now
        return clock()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PracticeButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PracticeButton)

    # ----------------------------------------------------------------------------------------- command

    @app_commands.command(
        name="practice",
        description=cmd("Practise on your own with spaced repetition (private)", "practice.cmd.practice"),
    )
    @app_commands.guild_only()
    @app_commands.describe(
        deck=cmd("The deck to practise (default: the server's deck)", "practice.cmd.practice.deck"),
        count=cmd("How many questions (default 5)", "practice.cmd.practice.count"),
    )
    async def practice(
        self,
        interaction: discord.Interaction,
        deck: str | None = None,
        count: app_commands.Range[int, 1, MAX_COUNT] | None = None,
    ) -> None:
        lang = await language(interaction)
        assert interaction.guild_id is not None  # guild_only
        try:
            started = await self.sessions.start(interaction.guild_id, interaction.user.id, deck, count)
        except DeckProblem as problem:
            await send_private(interaction, deck_problem_text(problem, lang))
            return
        await send_private(
            interaction,
            embed=question_embed(started.question, lang, intro=self._intro(started, lang)),
            view=session_view(started.question, lang, answered=False),
        )

    @practice.autocomplete("deck")
    async def practice_deck(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await deck_choices(interaction, current)

    @staticmethod
    def _intro(started: Started, lang: str) -> str:
        return t(
            "practice.started",
            lang,
            deck=f"**{safe(started.question.deck_title, 150)}**",
            count=started.question.total,
            due=started.due,
            new=started.new,
            ahead=started.ahead,
        )

    # ----------------------------------------------------------------------------------------- buttons

    async def on_button(
        self, interaction: discord.Interaction, action: str, session_id: str, position: int | None
    ) -> None:
        async with self._guarded(interaction) as lang:
            guild_id, member_id = interaction.guild_id or 0, interaction.user.id
            step: Question | Summary | Gone
            if action == "answer":
                step = await self.sessions.question(guild_id, member_id, session_id)
                if isinstance(step, Question):
                    await interaction.response.send_modal(answer_modal(step, lang))
                    return
            elif action == "next":
                step = await self.sessions.advance(guild_id, member_id, session_id, position or 0)
            else:
                step = await self.sessions.stop(guild_id, member_id, session_id)
            await self._show(interaction, step, lang)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answers typed in the modal (recognised by its custom id, so also across a restart)."""
        submitted = modal_submission(interaction, MODAL_ID, ANSWER_INPUT)
        if submitted is None:
            return
        match, reply = submitted
        async with self._guarded(interaction) as lang:
            feedback = await self.sessions.answer(
                interaction.guild_id or 0, interaction.user.id, match["sid"], int(match["pos"]), reply
            )
            await self._show(interaction, feedback, lang)

    # ----------------------------------------------------------------------------------------- helpers

    async def _show(
        self, interaction: discord.Interaction, step: Question | Summary | Feedback | Gone, lang: str
    ) -> None:
        """Turn the session's message into ``step``."""
        edit = interaction.response.edit_message
        if isinstance(step, Question):
            await edit(
                content=None,
                embeds=[question_embed(step, lang)],
                view=session_view(step, lang, answered=False),
                allowed_mentions=NO_PINGS,
            )
        elif isinstance(step, Feedback):
            embeds = [feedback_embed(step, lang)]
            if step.summary is not None:
                embeds.append(summary_embed(step.summary, lang))
            view = None if step.last else session_view(step.question, lang, answered=True)
            await edit(content=None, embeds=embeds, view=view, allowed_mentions=NO_PINGS)
        elif isinstance(step, Summary):
            await edit(content=None, embeds=[summary_embed(step, lang)], view=None, allowed_mentions=NO_PINGS)
        else:
            minutes = int(self.sessions.lifetime.total_seconds() // 60)
            await edit(
                content=gone_text(step, lang, minutes), embeds=[], view=None, allowed_mentions=NO_PINGS
            )

    @asynccontextmanager
    async def _guarded(self, interaction: discord.Interaction) -> AsyncIterator[str]:
        """The interaction's language; a PracticeError becomes a private message, and anything unexpected is
        logged with a reference the member is given (never a silent "interaction failed")."""
        lang = await language(interaction)
        try:
            yield lang
        except PracticeError as error:
            await send_private(interaction, t(error.key, lang, **error.values))
        except Exception:
            ref = secrets.token_hex(3)
            log.exception("practice interaction failed (ref %s)", ref)
            try:
                await send_private(interaction, t("common.error.internal_ref", lang, ref=ref))
            except discord.HTTPException:
                log.warning("could not tell the member about a failed practice interaction")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Practice(bot))
