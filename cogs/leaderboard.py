"""Leaderboards in Discord: ``/leaderboard [period] [deck] [category]`` and ``/rank [member]``.

- ``/leaderboard`` answers in the channel (the class sees it): the top 10 with medals, the caller's own rank
  and points under every page, and Previous/Next buttons that only the caller may use. Pages are read for
  the moment the command ran, so paging never shifts a period. ``category`` picks the daily question's
  points (the default), practice's or the live quizzes'. Members are shown by their display names
  (``cogs.kit.names``), never by mentions, which show as raw ids to whoever has not loaded that member.
- ``/rank`` is personal: a private embed with points, rank, answers, average score, current and best streak
  and a chart of the recent scores. A member who never answered gets a clear private message.

Thin: rankings and texts come from ``services.leaderboard`` and :mod:`bot.leaderboard.render`.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.leaderboard import render
from bot.leaderboard.results import BoardPage
from cogs.kit.access import cmd, language, services_of
from cogs.kit.autocomplete import deck_choices
from cogs.kit.embeds import files_of, to_embed
from cogs.kit.errors import guarded
from cogs.kit.markup import DISCORD
from cogs.kit.names import display_names, remember
from cogs.kit.notices import tell_regrades
from cogs.kit.replies import NO_PINGS, send_private
from cogs.kit.views import LiveViews, Pager


class Leaderboards(commands.Cog):
    """``/leaderboard`` and ``/rank``."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._views = LiveViews()

    async def cog_unload(self) -> None:
        # Stop the pagers' timeout tasks with the bot instead of leaving them to a closed loop.
        self._views.stop_all()

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
        category=cmd(
            "The daily question, practice or live quizzes (default: the daily question)",
            "leaderboard.cmd.leaderboard.category",
        ),
    )
    @app_commands.choices(
        period=[
            app_commands.Choice(name=cmd("This week", "leaderboard.period.week"), value="week"),
            app_commands.Choice(name=cmd("This month", "leaderboard.period.month"), value="month"),
            app_commands.Choice(name=cmd("All time", "leaderboard.period.all"), value="all"),
        ],
        category=[
            app_commands.Choice(name=cmd("Daily question", "leaderboard.category.daily"), value="daily"),
            app_commands.Choice(name=cmd("Practice", "leaderboard.category.practice"), value="practice"),
            app_commands.Choice(name=cmd("Quiz", "leaderboard.category.quiz"), value="quiz"),
        ],
    )
    @app_commands.autocomplete(deck=deck_choices)
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        period: str = "all",
        deck: str | None = None,
        category: str = "daily",
    ) -> None:
        services = services_of(self.bot)
        assert interaction.guild_id is not None and services is not None  # guild_only; the bot has a store
        guild_id = interaction.guild_id
        remember(services, guild_id, interaction.user)
        async with guarded(interaction) as lang:
            request = await services.leaderboard.request(
                guild_id, interaction.user.id, period, deck, category
            )

            async def rendered(shown: BoardPage) -> discord.Embed:
                names = await display_names(self.bot, services, guild_id, render.member_ids(shown))
                return to_embed(render.page(shown, lang, DISCORD, names))

            async def show(page: int) -> tuple[discord.Embed, int, int]:
                shown = await services.leaderboard.page(request, page)
                return await rendered(shown), shown.page, shown.pages

            first = await services.leaderboard.page(request, 0)
            if first.board.total == 0:
                await send_private(interaction, render.empty(request, lang, DISCORD))
                return
            ids = render.member_ids(first)
            known = await services.names.names(guild_id, ids)
            if any(member_id not in known for member_id in ids):
                # Members the bot never saw are asked of Discord, a call each: acknowledge first (3 s).
                await interaction.response.defer(thinking=True)
            embed = await rendered(first)

            async def reply(view: discord.ui.View | None = None) -> None:
                if interaction.response.is_done():
                    await interaction.edit_original_response(
                        embed=embed, view=view, allowed_mentions=NO_PINGS
                    )
                elif view is None:
                    await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)
                else:
                    await interaction.response.send_message(embed=embed, view=view, allowed_mentions=NO_PINGS)

            if first.pages == 1:
                await reply()
                return
            view = Pager(
                owner_id=interaction.user.id,
                lang=lang,
                render=show,
                page=first.page,
                pages=first.pages,
                live=self._views,
            )
            view.origin = interaction
            await reply(view)

    @app_commands.command(
        name="rank",
        description=cmd(
            "Points, rank, answers, average, streaks and a chart of recent scores", "leaderboard.cmd.rank"
        ),
    )
    @app_commands.guild_only()
    @app_commands.describe(member=cmd("Whose rank to show (default: yours)", "leaderboard.cmd.rank.member"))
    async def rank(
        self, interaction: discord.Interaction, member: discord.Member | discord.User | None = None
    ) -> None:
        # A User: a member who left the server; their points stay until they are forgotten.
        services = services_of(self.bot)
        assert interaction.guild_id is not None and services is not None
        target = member or interaction.user
        remember(services, interaction.guild_id, interaction.user)
        remember(services, interaction.guild_id, target)
        lang = await language(interaction)
        never = render.never_answered(
            target.id,
            is_caller=target.id == interaction.user.id,
            lang=lang,
            markup=DISCORD,
            name=target.display_name,
        )
        if not await services.leaderboard.has_answered(interaction.guild_id, target.id):
            await send_private(interaction, never)
            return
        # The chart takes a moment to draw: acknowledge first (Discord allows 3 s), privately.
        await interaction.response.defer(ephemeral=True, thinking=True)
        card = await services.leaderboard.rank(interaction.guild_id, target.id, lang)
        if card is None:  # forgotten meanwhile
            await interaction.edit_original_response(content=never)
            return
        content = render.rank(card, target.display_name, lang, DISCORD)
        await interaction.edit_original_response(
            embed=to_embed(content), attachments=files_of(content), allowed_mentions=NO_PINGS
        )
        await tell_regrades(interaction, lang)  # answers of theirs a teacher's alias re-graded upwards


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Leaderboards(bot))
