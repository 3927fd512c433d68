"""Teacher tools in Discord: ``/stats [question]`` and ``/deck import|list|show|export|remove``.

- ``/stats`` (teacher): participation, average, each item's hit rate and what the class keeps forgetting for
  the last question posted, or one chosen from an autocompleted list, with a PNG bar chart. Private.
- ``/deck import file:`` (teacher): the attachment goes through the core importer; a private preview (cards,
  item counts, warnings) with Confirm and Cancel. Nothing is stored before Confirm; a file that is too large,
  not text or not a deck gets a private message naming the file and the line.
- ``/deck list`` and ``/deck show name`` (everyone; answers only for teachers, so a class cannot read the
  key of tomorrow's question), ``/deck export name`` (teacher, a YAML attachment), ``/deck remove name``
  (teacher, after a confirmation; refused while the deck is the server's active deck).

Deck names typed by members are checked before any lookup: markdown or mentions are refused with a clear
message. An imported deck is named after its file, reduced to letters, digits and dashes.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import charts
from bot import teacher_tools as tools
from bot.decks import Card, Deck, deck_name, dump_deck
from bot.i18n import format_number, format_percent, t, tn
from bot.leaderboards import mention
from bot.store import DeckInfo, DeckInUse, Post, PostStats, UnknownRecord
from cogs.common import (
    NO_PINGS,
    cmd,
    deck_choices,
    is_teacher,
    language,
    report_error,
    safe,
    send_private,
    teacher_only,
)
from cogs.leaderboard import guild_timezone, now_of, resolve_deck, store_of

#: Seconds a preview or a confirmation waits for a click (an interaction token lasts 15 minutes).
CONFIRM_TIMEOUT = 600.0
#: Recent questions offered by /stats' autocomplete (Discord shows at most 25).
RECENT_QUESTIONS = 25
_COLOUR = discord.Colour.blurple()
# Discord's embed limits, with room to spare.
_DESCRIPTION = 3800
_FIELD = 1000


async def question_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for /stats: the guild's recent questions, newest first, ``date — question``."""
    if interaction.guild_id is None:
        return []
    store = store_of(interaction.client)
    lang = await language(interaction)
    tz = await guild_timezone(interaction.client, interaction.guild_id)
    typed = current.strip().casefold()
    choices = []
    for post in await store.recent_posts(interaction.guild_id, RECENT_QUESTIONS):
        card = await store.get_card(post.card_id) if post.card_id is not None else None
        label = tools.question_choice(post.slot, card.card.question if card else None, tz, lang)
        if typed in label.casefold():
            choices.append(app_commands.Choice(name=label, value=str(post.id)))
    return choices


class ConfirmView(discord.ui.View):
    """Confirm / Cancel under a private preview; nothing happens until the member who asked clicks."""

    def __init__(
        self,
        *,
        owner_id: int,
        lang: str,
        confirm_label: str,
        on_confirm: Callable[[discord.Interaction], Awaitable[None]],
        live: set[discord.ui.View],
    ) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.owner_id = owner_id
        self.lang = lang
        self.on_confirm = on_confirm
        self.live = live
        live.add(self)
        self.origin: discord.Interaction | None = None
        self.confirm.label = confirm_label
        self.cancel.label = t("common.cancel", lang)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await send_private(interaction, t("common.error.not_yours", self.lang))
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error, self.lang)

    def _finish(self) -> None:
        self.stop()  # one decision: later clicks reach nothing
        self.live.discard(self)

    @discord.ui.button(style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self._finish()
        await self.on_confirm(interaction)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self._finish()
        await interaction.response.edit_message(
            content=t("common.cancelled", self.lang), embed=None, view=None, allowed_mentions=NO_PINGS
        )

    async def on_timeout(self) -> None:
        self.live.discard(self)
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(
                    content=t("teacher.deck.expired", self.lang), embed=None, view=None
                )


class Teacher(commands.Cog):
    """``/stats`` and the ``/deck`` commands."""

    deck = app_commands.Group(
        name="deck", description=cmd("The decks of flashcards", "teacher.cmd.deck"), guild_only=True
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._views: set[discord.ui.View] = set()

    @property
    def store(self) -> Any:
        return store_of(self.bot)

    async def cog_unload(self) -> None:
        for view in self._views:
            view.stop()
        self._views.clear()

    # --------------------------------------------------------------------------------------------- /stats
    @app_commands.command(
        name="stats",
        description=cmd(
            "Participation, average and what the class forgets, for the last or a chosen question",
            "teacher.cmd.stats",
        ),
    )
    @app_commands.guild_only()
    @teacher_only()
    @app_commands.describe(
        question=cmd("A recent question (default: the last one posted)", "teacher.cmd.stats.question")
    )
    @app_commands.autocomplete(question=question_choices)
    async def stats(self, interaction: discord.Interaction, question: str | None = None) -> None:
        assert interaction.guild_id is not None  # guild_only
        guild_id = interaction.guild_id
        lang = await language(interaction)
        post = await self._find_post(guild_id, question)
        if post is None:
            if question is None:
                await send_private(interaction, t("teacher.stats.no_post", lang))
            else:
                text = t("teacher.stats.unknown_question", lang, question=safe(question, 100))
                await send_private(interaction, text)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await self.store.post_stats(post.id)
        stored = await self.store.get_card(post.card_id) if post.card_id is not None else None
        card = stored.card if stored is not None else None
        labels = tools.item_labels(card, len(stats.items), lang)
        embed = self._stats_embed(stats, card, labels, lang)
        files: list[discord.File] = []
        if stats.participants:
            rates = [(labels[item.position], item.rate) for item in stats.items]
            png = await asyncio.to_thread(charts.hit_rate_chart, rates, lang=lang)
            files.append(discord.File(io.BytesIO(png), filename="stats.png"))
            embed.set_image(url="attachment://stats.png")
        await interaction.edit_original_response(embed=embed, attachments=files, allowed_mentions=NO_PINGS)

    def _stats_embed(
        self, stats: PostStats, card: Card | None, labels: list[str], lang: str
    ) -> discord.Embed:
        post = stats.post
        question = card.question if card is not None else t("teacher.stats.removed_question", lang)
        when = {
            "posted": discord.utils.format_dt(post.posted_at or post.slot, "f"),
            "closes": discord.utils.format_dt(post.closes_at, "f"),
        }
        if post.is_open(now_of(self.bot)):
            description = t("teacher.stats.posted_open", lang, **when)
        else:
            description = t("teacher.stats.posted_closed", lang, **when)
        if not stats.participants:
            description += "\n\n" + t("teacher.stats.no_answers", lang)
        embed = discord.Embed(
            title=t("teacher.stats.title", lang, question=safe(question, 200)),
            description=description,
            colour=_COLOUR,
        )
        embed.add_field(
            name=t("teacher.stats.participants_label", lang), value=format_number(stats.participants, lang)
        )
        if not stats.participants:
            return embed
        embed.add_field(
            name=t("teacher.stats.average_label", lang), value=format_percent(stats.average_score, lang)
        )
        lines = tools.item_lines(stats, labels, lang, safe)
        embed.add_field(
            name=t("teacher.stats.items_label", lang),
            value=tools.fit_lines(lines, _FIELD, lambda left: "…"),
            inline=False,
        )
        embed.add_field(
            name=t("teacher.stats.forgotten_label", lang),
            value="\n".join(tools.forgotten_lines(stats, labels, lang, safe)),
            inline=False,
        )
        if stats.top:
            top = [
                t(
                    "teacher.stats.top_line",
                    lang,
                    member=mention(s.member_id),
                    score=format_percent(s.score, lang),
                )
                for s in stats.top
            ]
            embed.add_field(name=t("teacher.stats.top_label", lang), value="\n".join(top), inline=False)
        return embed

    async def _find_post(self, guild_id: int, question: str | None) -> Post | None:
        """The last sent post, the one autocomplete chose (its id), or the newest whose question matches."""
        if question is None:
            return await self.store.last_post(guild_id, sent_only=True)
        typed = question.strip()
        if typed.isdigit():
            post = await self.store.get_post(int(typed))
            # An id from another server is not this teacher's to read.
            if post is not None and post.guild_id == guild_id and post.posted_at is not None:
                return post
        wanted = typed.casefold()
        if not wanted:
            return None
        for post in await self.store.recent_posts(guild_id, 50):
            stored = await self.store.get_card(post.card_id) if post.card_id is not None else None
            if stored is not None and wanted in stored.card.question.casefold():
                return post
        return None

    # ---------------------------------------------------------------------------------------- /deck import
    @deck.command(
        name="import",
        description=cmd(
            "Import a deck from a .txt, .csv or .yaml file, with a preview before saving",
            "teacher.cmd.deck.import",
        ),
    )
    @teacher_only()
    @app_commands.describe(
        file=cmd(
            "The deck file: course notes (.txt), a spreadsheet (.csv) or YAML", "teacher.cmd.deck.import.file"
        )
    )
    async def deck_import(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        assert interaction.guild_id is not None  # the group is guild_only
        guild_id, lang = interaction.guild_id, await language(interaction)
        try:
            tools.check_upload(file.filename, file.size)  # before downloading a megabyte for nothing
        except tools.UploadError as error:
            await send_private(interaction, error.message(lang, safe))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            await self._edit(
                interaction, t("teacher.deck.download_failed", lang, file=safe(file.filename, 100))
            )
            return
        try:
            deck = await asyncio.to_thread(tools.parse_upload, data, file.filename)
        except tools.UploadError as error:
            await self._edit(interaction, error.message(lang, safe))
            return
        name = tools.import_name(file.filename)
        existing = await self.store.find_deck(guild_id, name)
        embed = self._preview(deck, file.filename, name, existing, guild_id, lang)

        async def save(click: discord.Interaction) -> None:
            await click.response.defer()  # a big deck takes a moment to write
            deck_id = await self.store.save_deck(guild_id, name, deck)
            settings = await self.store.get_guild(guild_id)
            cards = tools.cards_text(len(deck.cards), lang)
            if settings is not None and settings.active_deck_id == deck_id:
                text = t("teacher.deck.imported_active", lang, name=safe(name), cards=cards)
            else:
                text = t("teacher.deck.imported", lang, name=safe(name), cards=cards)
            await click.edit_original_response(content=text, embed=None, view=None, allowed_mentions=NO_PINGS)

        view = ConfirmView(
            owner_id=interaction.user.id,
            lang=lang,
            confirm_label=t("teacher.deck.save", lang),
            on_confirm=save,
            live=self._views,
        )
        view.origin = interaction
        await interaction.edit_original_response(embed=embed, view=view, allowed_mentions=NO_PINGS)

    def _preview(
        self, deck: Deck, filename: str, name: str, existing: DeckInfo | None, guild_id: int, lang: str
    ) -> discord.Embed:
        items = sum(len(card.items) for card in deck.cards)
        intro = [
            t(
                "teacher.deck.preview_intro",
                lang,
                file=safe(filename, 100),
                name=safe(name),
                cards=tools.cards_text(len(deck.cards), lang),
                items=tools.items_text(items, lang),
            )
        ]
        if name != Path(filename).stem:
            intro.append(t("teacher.deck.renamed", lang, name=safe(name)))
        if existing is not None and existing.guild_id == guild_id:
            cards = tools.cards_text(existing.card_count, lang)
            intro.append(t("teacher.deck.replaces", lang, name=safe(name), cards=cards))
        elif existing is not None:
            intro.append(t("teacher.deck.shadows_bundled", lang, name=safe(name)))
        head = "\n".join(intro) + "\n\n"
        cards = tools.fit_lines(
            tools.card_lines(deck.cards, lang, safe),
            _DESCRIPTION - len(head),
            lambda left: tn("teacher.deck.more_cards", left, lang, count=format_number(left, lang)),
        )
        embed = discord.Embed(
            title=t("teacher.deck.preview_title", lang, title=safe(deck.title, 200)),
            description=head + cards,
            colour=_COLOUR,
        )
        embed.add_field(
            name=t("teacher.deck.language_label", lang), value=tools.language_name(deck.language, lang)
        )
        warnings = tools.warning_lines(deck, lang, safe)
        embed.add_field(
            name=t("teacher.deck.warnings_label", lang, count=len(warnings)),
            value=tools.fit_lines(
                warnings,
                _FIELD,
                lambda left: tn("teacher.deck.more_warnings", left, lang, count=format_number(left, lang)),
            )
            if warnings
            else t("teacher.deck.no_warnings", lang),
            inline=False,
        )
        return embed

    # ------------------------------------------------------------------------------------------ /deck list
    @deck.command(name="list", description=cmd("The decks this server can use", "teacher.cmd.deck.list"))
    async def deck_list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        guild_id, lang = interaction.guild_id, await language(interaction)
        decks = await self.store.list_decks(guild_id)
        settings = await self.store.get_guild(guild_id)
        active = settings.active_deck_id if settings is not None else None
        embed = discord.Embed(title=t("teacher.deck.list_title", lang), colour=_COLOUR)
        for label, infos in (
            (t("teacher.deck.list_server", lang), [d for d in decks if d.guild_id == guild_id]),
            (t("teacher.deck.list_bundled", lang), [d for d in decks if d.guild_id is None]),
        ):
            lines = [tools.deck_line(info, lang, safe, active=info.id == active) for info in infos]
            value = (
                tools.fit_lines(
                    lines,
                    _FIELD,
                    lambda left: tn("teacher.deck.list_more", left, lang, count=format_number(left, lang)),
                )
                if lines
                else t("teacher.deck.list_none", lang)
            )
            embed.add_field(name=label, value=value, inline=False)
        await send_private(interaction, embed=embed)

    # ------------------------------------------------------------------------------------------ /deck show
    @deck.command(name="show", description=cmd("Show a deck's questions", "teacher.cmd.deck.show"))
    @app_commands.describe(name=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"))
    @app_commands.autocomplete(name=deck_choices)
    async def deck_show(self, interaction: discord.Interaction, name: str) -> None:
        lang = await language(interaction)
        info = await resolve_deck(interaction, name, lang)
        if info is None:
            return
        stored = await self.store.load_deck(info.id)
        teacher = await is_teacher(interaction)
        about = {
            "name": safe(info.name),
            "cards": tools.cards_text(len(stored.deck.cards), lang),
            "language": tools.language_name(stored.deck.language, lang),
        }
        if info.guild_id is None:
            head = t("teacher.deck.show_bundled", lang, **about)
        else:
            head = t("teacher.deck.show_server", lang, **about)
        if not teacher:
            head += "\n" + t("teacher.deck.show_answers_hidden", lang)
        head += "\n\n"
        body = tools.fit_lines(
            tools.card_lines(stored.deck.cards, lang, safe, answers=teacher),
            _DESCRIPTION - len(head),
            lambda left: tn("teacher.deck.show_more", left, lang, count=format_number(left, lang)),
        )
        embed = discord.Embed(title=safe(stored.deck.title, 250), description=head + body, colour=_COLOUR)
        await send_private(interaction, embed=embed)

    # ---------------------------------------------------------------------------------------- /deck export
    @deck.command(
        name="export",
        description=cmd("Download a deck as a YAML file, to review or edit", "teacher.cmd.deck.export"),
    )
    @teacher_only()
    @app_commands.describe(name=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"))
    @app_commands.autocomplete(name=deck_choices)
    async def deck_export(self, interaction: discord.Interaction, name: str) -> None:
        lang = await language(interaction)
        info = await resolve_deck(interaction, name, lang)
        if info is None:
            return
        stored = await self.store.load_deck(info.id)
        data = dump_deck(stored.deck).encode("utf-8")
        text = t(
            "teacher.deck.exported", lang, name=safe(info.name), cards=tools.cards_text(info.card_count, lang)
        )
        await send_private(
            interaction, text, file=discord.File(io.BytesIO(data), filename=f"{deck_name(info.name)}.yaml")
        )

    # ---------------------------------------------------------------------------------------- /deck remove
    @deck.command(
        name="remove", description=cmd("Remove one of this server's decks", "teacher.cmd.deck.remove")
    )
    @teacher_only()
    @app_commands.describe(name=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"))
    @app_commands.autocomplete(name=deck_choices)
    async def deck_remove(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild_id is not None
        guild_id, lang = interaction.guild_id, await language(interaction)
        info = await resolve_deck(interaction, name, lang)
        if info is None:
            return
        shown = safe(info.name)
        if info.guild_id is None:
            await send_private(interaction, t("teacher.deck.remove_bundled", lang, name=shown))
            return
        settings = await self.store.get_guild(guild_id)
        if settings is not None and settings.active_deck_id == info.id:
            await send_private(interaction, t("teacher.deck.remove_active", lang, name=shown))
            return

        async def remove(click: discord.Interaction) -> None:
            try:
                await self.store.remove_deck(guild_id, info.name)
                text = t("teacher.deck.removed", lang, name=shown)
            except DeckInUse:  # made active meanwhile
                text = t("teacher.deck.remove_active", lang, name=shown)
            except UnknownRecord:  # removed meanwhile
                text = t("common.error.unknown_deck", lang, name=shown)
            await click.response.edit_message(content=text, embed=None, view=None, allowed_mentions=NO_PINGS)

        view = ConfirmView(
            owner_id=interaction.user.id,
            lang=lang,
            confirm_label=t("teacher.deck.remove_button", lang),
            on_confirm=remove,
            live=self._views,
        )
        view.origin = interaction
        text = t(
            "teacher.deck.remove_confirm", lang, name=shown, cards=tools.cards_text(info.card_count, lang)
        )
        await send_private(interaction, text, view=view)

    @staticmethod
    async def _edit(interaction: discord.Interaction, text: str) -> None:
        await interaction.edit_original_response(content=text, allowed_mentions=NO_PINGS)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Teacher(bot))
