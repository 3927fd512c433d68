"""Leaderboards in Discord: ``/leaderboard [period] [deck]`` and ``/rank [member]``.

- ``/leaderboard`` answers in the channel (the class sees it): the top 10 with medals, the caller's own rank
  and points under every page, and Previous/Next buttons that only the caller may use (anyone else gets a
  private "not yours"). Pages are read for the moment the command ran, so paging never shifts a period.
- ``/rank`` is personal: a private embed with points, rank, answers, average score, current and best streak
  and a PNG chart of the recent scores. A member who never answered gets a clear private message.

The cog only adapts: rankings come from the store, texts from ``bot.leaderboards``, the chart from
``bot.charts`` (rendered in a thread so the event loop keeps serving other members).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot import charts
from bot import leaderboards as lb
from bot.i18n import t
from bot.runner import TutorBot
from bot.scoring import Period
from bot.store import DeckInfo, Leaderboard
from bot.teacher_tools import BadDeckName, check_deck_name
from cogs.common import NO_PINGS, cmd, deck_choices, language, report_error, safe, send_private

log = logging.getLogger(__name__)

#: Seconds the Previous/Next buttons keep working (an interaction token lasts 15 minutes).
PAGER_TIMEOUT = 300.0
#: Recent answers drawn on the /rank chart.
RANK_HISTORY = 20
_EMBED_COLOUR = discord.Colour.gold()


def now_of(client: discord.Client) -> datetime:
    """The bot's clock (``TutorBot(clock=...)``: tests drive time with it), else the real time in UTC."""
    clock = getattr(client, "clock", None)
    return clock() if callable(clock) else datetime.now(UTC)


def store_of(client: discord.Client) -> Any:
    """The store the TutorBot opened before loading the cogs."""
    return cast(TutorBot, client).store


async def guild_timezone(client: discord.Client, guild_id: int) -> ZoneInfo:
    """The guild's timezone for weeks and months; UTC before /tutor setup."""
    settings = await store_of(client).get_guild(guild_id)
    return settings.tz if settings is not None else ZoneInfo("UTC")


async def resolve_deck(interaction: discord.Interaction, name: str, lang: str) -> DeckInfo | None:
    """The deck a member typed, or None after telling them privately why not (bad name, unknown deck)."""
    try:
        cleaned = check_deck_name(name)
    except BadDeckName:
        await send_private(interaction, t("teacher.deck.bad_name", lang, name=safe(name, 100)))
        return None
    info = await store_of(interaction.client).find_deck(interaction.guild_id, cleaned)
    if info is None:
        await send_private(interaction, t("common.error.unknown_deck", lang, name=safe(cleaned, 100)))
    return info


#: Renders a 0-based page: (embed, the page actually shown, pages, members ranked).
PageRenderer = Callable[[int], Awaitable[tuple[discord.Embed, int, int, int]]]


class LeaderboardPager(discord.ui.View):
    """Previous/Next under a public leaderboard; only the member who asked may turn the pages."""

    def __init__(
        self,
        *,
        owner_id: int,
        lang: str,
        render: PageRenderer,
        page: int,
        pages: int,
        live: set[discord.ui.View],
    ) -> None:
        super().__init__(timeout=PAGER_TIMEOUT)
        self.live = live
        live.add(self)
        self.owner_id = owner_id
        self.lang = lang
        self.render = render
        self.page = page
        self.origin: discord.Interaction | None = None
        self.previous_page.label = t("common.previous_page", lang)
        self.next_page.label = t("common.next_page", lang)
        self._update(pages)

    def _update(self, pages: int) -> None:
        self.previous_page.disabled = self.page <= 0
        self.next_page.disabled = self.page >= pages - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await send_private(interaction, t("common.error.not_yours", self.lang))
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error, self.lang)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        embed, self.page, pages, _ = await self.render(self.page + step)
        self._update(pages)
        await interaction.response.edit_message(embed=embed, view=self, allowed_mentions=NO_PINGS)

    @discord.ui.button(style=discord.ButtonStyle.secondary, emoji="◀️")
    async def previous_page(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(style=discord.ButtonStyle.secondary, emoji="▶️")
    async def next_page(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, +1)

    async def on_timeout(self) -> None:
        self.live.discard(self)
        # Take the buttons away rather than leave ones that no longer answer.
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(view=None)


class Leaderboards(commands.Cog):
    """``/leaderboard`` and ``/rank``."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._views: set[discord.ui.View] = set()

    @property
    def store(self) -> Any:
        return store_of(self.bot)

    async def cog_unload(self) -> None:
        # Stop the pagers' timeout tasks with the bot instead of leaving them to a closed loop.
        for view in self._views:
            view.stop()
        self._views.clear()

    # ---------------------------------------------------------------------------------------- /leaderboard
    @app_commands.command(
        name="leaderboard",
        description=cmd(
            "The class leaderboard: top 10 with medals, and your own rank", "leaderboard.cmd.leaderboard"
        ),
    )
    @app_commands.guild_only()
    @app_commands.describe(
        period=cmd(
            "This week, this month or all time (default: all time)", "leaderboard.cmd.leaderboard.period"
        ),
        deck=cmd("Only the points earned on this deck", "leaderboard.cmd.leaderboard.deck"),
    )
    @app_commands.choices(
        period=[
            app_commands.Choice(name=cmd("This week", "leaderboard.period.week"), value="week"),
            app_commands.Choice(name=cmd("This month", "leaderboard.period.month"), value="month"),
            app_commands.Choice(name=cmd("All time", "leaderboard.period.all"), value="all"),
        ]
    )
    @app_commands.autocomplete(deck=deck_choices)
    async def leaderboard(
        self, interaction: discord.Interaction, period: str = "all", deck: str | None = None
    ) -> None:
        assert interaction.guild_id is not None  # guild_only
        guild_id, caller = interaction.guild_id, interaction.user.id
        lang = await language(interaction)
        chosen: Period = period if period in ("week", "month", "all") else "all"  # type: ignore[assignment]
        info = None
        if deck is not None:
            info = await resolve_deck(interaction, deck, lang)
            if info is None:
                return
        tz = await guild_timezone(self.bot, guild_id)
        now = now_of(self.bot)
        deck_id = info.id if info is not None else None
        heading = lb.title(chosen, lang, safe(info.name, 100) if info is not None else None)

        async def render(page: int) -> tuple[discord.Embed, int, int, int]:
            async def read(offset: int) -> Leaderboard:
                return await self.store.leaderboard(
                    guild_id,
                    chosen,
                    now=now,
                    tz=tz,
                    deck_id=deck_id,
                    limit=lb.PAGE_SIZE,
                    offset=offset,
                    member_id=caller,
                )

            board = await read(max(page, 0) * lb.PAGE_SIZE)
            page, offset = lb.offset_of(page, board.total)
            if not board.rows and board.total:  # fewer members now than when the pager was made
                board = await read(offset)
            lines = lb.row_lines(board.rows, lang, highlight=caller)
            description = "\n".join([*lines, "", lb.caller_line(board, caller, lang)])
            embed = discord.Embed(title=heading, description=description, colour=_EMBED_COLOUR)
            span = lb.period_range(board, tz, lang)
            footer = lb.footer(page, board.total, lang)
            embed.set_footer(text=f"{span} · {footer}" if span else footer)
            return embed, page, lb.page_count(board.total), board.total

        embed, page, pages, total = await render(0)
        if total == 0:
            empty = (
                t("leaderboard.empty_deck", lang, deck=safe(info.name, 100))
                if info is not None
                else t("leaderboard.empty", lang)
            )
            await send_private(interaction, empty)
            return
        if pages == 1:
            await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)
            return
        view = LeaderboardPager(
            owner_id=caller, lang=lang, render=render, page=page, pages=pages, live=self._views
        )
        view.origin = interaction
        await interaction.response.send_message(embed=embed, view=view, allowed_mentions=NO_PINGS)

    # ----------------------------------------------------------------------------------------------- /rank
    @app_commands.command(
        name="rank",
        description=cmd(
            "Points, rank, answers, average, streaks and a chart of recent scores", "leaderboard.cmd.rank"
        ),
    )
    @app_commands.guild_only()
    @app_commands.describe(member=cmd("Whose rank to show (default: yours)", "leaderboard.cmd.rank.member"))
    async def rank(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None  # guild_only
        guild_id = interaction.guild_id
        target = member or interaction.user
        lang = await language(interaction)
        now = now_of(self.bot)
        stats = await self.store.member_stats(guild_id, target.id, now)
        if stats is None:
            if target.id == interaction.user.id:
                text = t("leaderboard.rank.never_self", lang)
            else:
                text = t("leaderboard.rank.never_other", lang, member=lb.mention(target.id))
            await send_private(interaction, text)
            return
        # The chart takes a moment to draw: acknowledge first (Discord allows 3 s), privately.
        await interaction.response.defer(ephemeral=True, thinking=True)
        history = await self.store.member_history(guild_id, target.id, limit=RANK_HISTORY)
        tz = await guild_timezone(self.bot, guild_id)
        points = lb.score_points(history)
        png = await asyncio.to_thread(charts.recent_scores_chart, points, tz=tz, lang=lang)
        embed = discord.Embed(
            title=t("leaderboard.rank.title", lang, member=safe(target.display_name, 100)),
            description=lb.chart_caption(len(points), lang),
            colour=_EMBED_COLOUR,
        )
        for label, value in lb.rank_fields(stats, lang):
            embed.add_field(name=label, value=value, inline=True)
        if stats.last_answered_at is not None:
            embed.add_field(
                name=t("leaderboard.rank.last_answer_label", lang),
                value=discord.utils.format_dt(stats.last_answered_at, "R"),
                inline=True,
            )
        embed.set_image(url="attachment://rank.png")
        await interaction.edit_original_response(
            embed=embed,
            attachments=[discord.File(io.BytesIO(png), filename="rank.png")],
            allowed_mentions=NO_PINGS,
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Leaderboards(bot))
