"""Teacher tools in Discord: ``/stats [question]`` and ``/deck import|list|show|export|remove``.

- ``/stats`` (teacher): participation, average, each item's hit rate and what the class keeps forgetting for
  the last question posted, or one chosen from an autocompleted list, with a bar chart. Private. Also what
  the class typed that earned nothing, with menus to accept such a phrase as an alias of an item (every
  stored answer to the card re-graded, members told privately the next time they use the bot) or to remove
  an accepted alias again.
- ``/deck import file:`` (teacher): a private preview (cards, item counts, warnings) with Save and Cancel.
  Nothing is stored before Save; a file that is too large, not text or not a deck gets a private message
  naming the file and the line.
- ``/deck edit deck: card:`` and ``/deck add-card deck:`` (teacher): the card form (the question, and the
  items one a line, ``answer: detail | alias, alias``), recognised by its custom id; a wrong form is refused
  whole with every wrong line and a button that opens it again with the text typed. ``/deck remove-card``
  after a confirmation. Bundled decks are refused with how to make a copy.
- ``/deck list`` and ``/deck show name`` (everyone; answers only for teachers, so a class cannot read the
  key of tomorrow's question), ``/deck export name`` (teacher, a YAML attachment), ``/deck remove name``
  (teacher, after a confirmation; refused while the deck is the server's active deck).

Who sees what: ``/stats`` is hidden from members without Manage Server (``default_member_permissions``; an
admin shows it to a teacher role in Server Settings → Integrations). ``/deck`` stays visible to everyone:
Discord sets default_member_permissions on top-level commands only, and ``/deck list`` and ``/deck show``
are for members, so ``/deck import|export|remove`` are refused by the bot's own check (``teacher_only``).

Thin: every rule and sentence comes from ``services.teacher`` and :mod:`bot.teacher.render`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable

import discord
from discord import app_commands
from discord.ext import commands

from bot.decks import deck_name
from bot.errors import UserError
from bot.i18n import t
from bot.services import Services
from bot.teacher import render
from bot.teacher.editing import CardDraft, ChangedMeanwhile, InvalidForm, SavedCard
from bot.teacher.results import StatsView
from bot.teacher.upload import check_upload
from cogs.kit.access import cmd, is_teacher, language, require_services, services_of, teacher_only
from cogs.kit.autocomplete import card_choices, deck_choices
from cogs.kit.embeds import files_of, to_embed
from cogs.kit.errors import guarded
from cogs.kit.forms import card_form, form_routes, submitted_card
from cogs.kit.markup import DISCORD
from cogs.kit.replies import NO_PINGS, send_private
from cogs.kit.views import ConfirmView, LiveViews, Menu, MenuView, confirm_then

#: The card forms' custom ids: the card and the version the form was opened on, or the deck a card joins.
EDIT_FORM = re.compile(r"teacher:edit:(?P<card>\d{1,20}):(?P<version>[0-9a-f]{12})")
ADD_FORM = re.compile(r"teacher:add:(?P<deck>\d{1,20})")


def draft_form(draft: CardDraft, lang: str) -> discord.ui.Modal:
    """The card form for a draft: an edit (its custom id carries the card's version) or a new card."""
    name = draft.deck.name
    if draft.card_id is not None:
        custom_id = f"teacher:edit:{draft.card_id}:{draft.version}"
        title = t("teacher.form.title_edit", lang, number=draft.number, name=name)
    else:
        custom_id = f"teacher:add:{draft.deck.id}"
        title = t("teacher.form.title_add", lang, name=name)
    return card_form(
        custom_id,
        title=title,
        question=(
            t("teacher.form.question_label", lang),
            draft.question,
            t("teacher.form.question_placeholder", lang),
        ),
        items=(t("teacher.form.items_label", lang), draft.items, t("teacher.form.items_placeholder", lang)),
    )


async def question_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for /stats: the guild's recent questions, newest first, ``date — question``."""
    services = services_of(interaction.client)
    if services is None or interaction.guild_id is None:
        return []
    lang = await language(interaction)
    choices = await services.teacher.question_choices(interaction.guild_id, current, lang)
    return [app_commands.Choice(name=c.label, value=c.value) for c in choices]


class Teacher(commands.Cog):
    """``/stats`` and the ``/deck`` commands."""

    deck = app_commands.Group(
        name="deck", description=cmd("The decks of flashcards", "teacher.cmd.deck"), guild_only=True
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._views = LiveViews()

    async def cog_load(self) -> None:
        routes = form_routes(self.bot)
        routes.add(EDIT_FORM, self.on_card_form)
        routes.add(ADD_FORM, self.on_card_form)

    async def cog_unload(self) -> None:
        routes = form_routes(self.bot)
        routes.remove(EDIT_FORM)
        routes.remove(ADD_FORM)
        self._views.stop_all()

    # --------------------------------------------------------------------------------------------- /stats
    @app_commands.command(
        name="stats",
        description=cmd(
            "Participation, average and what the class forgets, for the last or a chosen question",
            "teacher.cmd.stats",
        ),
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)  # hidden from members; teacher_only still decides
    @teacher_only()
    @app_commands.describe(
        question=cmd("A recent question (default: the last one posted)", "teacher.cmd.stats.question")
    )
    @app_commands.autocomplete(question=question_choices)
    async def stats(self, interaction: discord.Interaction, question: str | None = None) -> None:
        assert interaction.guild_id is not None  # guild_only
        services = require_services(interaction.client)
        lang = await language(interaction)
        post = await services.teacher.find_post(interaction.guild_id, question)  # refusals before "thinking…"
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._show_stats(interaction, interaction, services, post.id, lang)

    async def _show_stats(
        self,
        target: discord.Interaction,
        origin: discord.Interaction,
        services: Services,
        post_id: int,
        lang: str,
        note: str | None = None,
    ) -> None:
        """The statistics of the post as the response of ``target`` (the command, or a choice under it), with
        the menus that close the loop: accept what the class typed as an alias, remove an accepted one."""
        assert origin.guild_id is not None  # /stats is guild_only
        shown = await services.teacher.stats(origin.guild_id, str(post_id), lang)
        content = render.stats(shown, lang, DISCORD)
        view = self._loop_menus(origin, services, shown, lang)
        await target.edit_original_response(
            content=note,
            embed=to_embed(content),
            attachments=files_of(content),
            view=view,
            allowed_mentions=NO_PINGS,
        )

    def _loop_menus(
        self, origin: discord.Interaction, services: Services, shown: StatsView, lang: str
    ) -> MenuView | None:
        """Under /stats (private, the teacher's alone): a menu of the phrases that earned nothing and one of
        the accepted aliases. A phrase chosen, a second menu asks which item it names; then every stored
        answer to the card is re-graded and the statistics are shown again with what changed."""
        loop = shown.loop
        if loop is None or loop.card is None:
            return None
        card, phrases, taught, post = loop.card, loop.phrases, loop.taught, loop.post
        owner = origin.user.id

        async def pick_phrase(click: discord.Interaction, value: str) -> None:
            phrase = phrases[int(value)]

            async def pick_item(choice: discord.Interaction, item: str) -> None:
                await choice.response.defer()  # re-grading a whole class takes a moment
                async with guarded(choice, lang):
                    change = await services.teacher.aliases.accept(
                        post, phrase.text, int(item), teacher_id=choice.user.id
                    )
                    note = render.alias_change(change, lang, DISCORD)
                    await self._show_stats(choice, origin, services, post.id, lang, note)

            async def cancel(choice: discord.Interaction) -> None:
                await choice.response.defer()
                async with guarded(choice, lang):
                    await self._show_stats(choice, origin, services, post.id, lang)

            items = MenuView(
                owner_id=owner,
                lang=lang,
                live=self._views,
                menus=[
                    Menu(
                        "teacher:alias:item",
                        t("teacher.alias.pick_item", lang),
                        [(render.item_option(card, index), str(index)) for index in range(len(card.items))],
                        pick_item,
                    )
                ],
                on_cancel=cancel,
            )
            items.origin = origin
            await click.response.edit_message(
                content=render.choose_item(phrase, lang, DISCORD), view=items, allowed_mentions=NO_PINGS
            )

        async def pick_removal(click: discord.Interaction, value: str) -> None:
            await click.response.defer()
            async with guarded(click, lang):
                change = await services.teacher.aliases.remove(post, taught[int(value)])
                await self._show_stats(
                    click, origin, services, post.id, lang, render.alias_change(change, lang, DISCORD)
                )

        view = MenuView(
            owner_id=owner,
            lang=lang,
            live=self._views,
            menus=[
                Menu(
                    "teacher:alias:phrase",
                    t("teacher.alias.pick_phrase", lang),
                    [
                        (render.phrase_option(phrase, lang), str(index))
                        for index, phrase in enumerate(phrases)
                    ],
                    pick_phrase,
                ),
                Menu(
                    "teacher:alias:remove",
                    t("teacher.alias.pick_removal", lang),
                    [(render.taught_option(alias, lang), str(index)) for index, alias in enumerate(taught)],
                    pick_removal,
                ),
            ],
        )
        if view.empty:
            view.finish()
            return None
        view.origin = origin
        return view

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
        services, lang = require_services(interaction.client), await language(interaction)
        check_upload(file.filename, file.size)  # before downloading a megabyte for nothing
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with guarded(interaction, lang):
            try:
                data = await file.read()
            except discord.HTTPException:
                raise UserError("teacher.deck.download_failed", user={"file": file.filename}) from None
            preview = await services.teacher.preview_import(interaction.guild_id, file.filename, data)

            async def save(click: discord.Interaction) -> None:
                await click.response.defer()  # a big deck takes a moment to write
                active = await services.teacher.save_import(preview)
                key = "teacher.deck.imported_active" if active else "teacher.deck.imported"
                cards = render.cards_text(len(preview.deck.cards), lang)
                text = t(key, lang, name=DISCORD.text(preview.name), cards=cards)
                await click.edit_original_response(
                    content=text, embed=None, view=None, allowed_mentions=NO_PINGS
                )

            view = ConfirmView(
                owner_id=interaction.user.id,
                lang=lang,
                confirm_label=t("teacher.deck.save", lang),
                on_confirm=save,
                live=self._views,
                expired_key="teacher.deck.expired",
            )
            view.origin = interaction
            content = render.preview(preview, lang, DISCORD)
            await interaction.edit_original_response(
                embed=to_embed(content), view=view, allowed_mentions=NO_PINGS
            )

    # ------------------------------------------------------------------------ /deck edit|add-card|remove-card
    @deck.command(
        name="edit", description=cmd("Edit a card of one of this server's decks", "teacher.cmd.deck.edit")
    )
    @teacher_only()
    @app_commands.describe(
        deck=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"),
        card=cmd("The card (pick it from the list as you type)", "teacher.cmd.deck.card"),
    )
    @app_commands.autocomplete(deck=deck_choices, card=card_choices)
    async def deck_edit(self, interaction: discord.Interaction, deck: str, card: str) -> None:
        assert interaction.guild_id is not None
        services, lang = require_services(interaction.client), await language(interaction)
        draft = await services.teacher.editing.open_edit(interaction.guild_id, deck, card)
        await interaction.response.send_modal(draft_form(draft, lang))

    @deck.command(
        name="add-card",
        description=cmd("Add a card to one of this server's decks", "teacher.cmd.deck.add_card"),
    )
    @teacher_only()
    @app_commands.describe(deck=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"))
    @app_commands.autocomplete(deck=deck_choices)
    async def deck_add_card(self, interaction: discord.Interaction, deck: str) -> None:
        assert interaction.guild_id is not None
        services, lang = require_services(interaction.client), await language(interaction)
        draft = await services.teacher.editing.open_add(interaction.guild_id, deck)
        await interaction.response.send_modal(draft_form(draft, lang))

    @deck.command(
        name="remove-card",
        description=cmd("Remove a card from one of this server's decks", "teacher.cmd.deck.remove_card"),
    )
    @teacher_only()
    @app_commands.describe(
        deck=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"),
        card=cmd("The card (pick it from the list as you type)", "teacher.cmd.deck.card"),
    )
    @app_commands.autocomplete(deck=deck_choices, card=card_choices)
    async def deck_remove_card(self, interaction: discord.Interaction, deck: str, card: str) -> None:
        assert interaction.guild_id is not None
        services, lang = require_services(interaction.client), await language(interaction)
        ref = await services.teacher.editing.removable_card(interaction.guild_id, deck, card)
        name, question = DISCORD.text(ref.deck.name), DISCORD.text(ref.card.question, 200)

        async def remove() -> str:
            info = await services.teacher.editing.remove_card(ref)
            cards = render.cards_text(info.card_count, lang)
            return t("teacher.edit.removed", lang, name=name, question=question, cards=cards)

        await confirm_then(
            interaction,
            t("teacher.edit.remove_confirm", lang, number=ref.number, name=name, question=question),
            lang=lang,
            confirm_label=t("teacher.edit.remove_button", lang),
            action=remove,
            live=self._views,
            expired_key="teacher.edit.expired",
        )

    async def on_card_form(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        """A submitted card form, recognised by its custom id (so also one opened before a restart)."""
        question, items = submitted_card(interaction)
        async with guarded(interaction) as lang:
            services = require_services(interaction.client)
            guild_id = interaction.guild_id
            if guild_id is None or not await is_teacher(interaction):
                raise UserError("common.error.not_allowed")
            # "Thinking…" first: while a class is answering, the save waits its turn behind their answers.
            await interaction.response.defer(ephemeral=True, thinking=True)
            editing = services.teacher.editing
            work: Awaitable[SavedCard]
            if match.re is EDIT_FORM:
                work = editing.save_edit(guild_id, int(match["card"]), match["version"], question, items)
            else:
                work = editing.save_add(guild_id, int(match["deck"]), question, items)
            try:
                saved = await work
            except (InvalidForm, ChangedMeanwhile) as refused:
                # Nothing was saved; the button opens the form again with what the teacher typed.
                label = (
                    "teacher.form.fix_button"
                    if isinstance(refused, InvalidForm)
                    else "teacher.edit.changed_button"
                )
                await self._offer_form(
                    interaction, refused.message(lang, DISCORD), refused.draft, label, lang
                )
                return
            await send_private(interaction, render.saved_card(saved, lang, DISCORD))

    async def _offer_form(
        self, interaction: discord.Interaction, text: str, draft: CardDraft, label: str, lang: str
    ) -> None:
        async def reopen(click: discord.Interaction) -> None:
            await click.response.send_modal(draft_form(draft, lang))

        view = ConfirmView(
            owner_id=interaction.user.id,
            lang=lang,
            confirm_label=t(label, lang),
            on_confirm=reopen,
            live=self._views,
            expired_key="teacher.edit.expired",
        )
        view.origin = interaction
        await send_private(interaction, text, view=view)

    # ------------------------------------------------------------------------------------------ /deck list
    @deck.command(name="list", description=cmd("The decks this server can use", "teacher.cmd.deck.list"))
    async def deck_list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        services, lang = require_services(interaction.client), await language(interaction)
        decks, active = await services.teacher.deck_list(interaction.guild_id)
        content = render.deck_list(decks, interaction.guild_id, active, lang, DISCORD)
        await send_private(interaction, embed=to_embed(content))

    # ------------------------------------------------------------------------------------------ /deck show
    @deck.command(name="show", description=cmd("Show a deck's questions", "teacher.cmd.deck.show"))
    @app_commands.describe(name=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"))
    @app_commands.autocomplete(name=deck_choices)
    async def deck_show(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild_id is not None
        services, lang = require_services(interaction.client), await language(interaction)
        info, deck = await services.teacher.deck(interaction.guild_id, name)
        answers = await is_teacher(interaction)
        taught = await services.teacher.deck_aliases(interaction.guild_id, info) if answers else []
        content = render.deck_show(info, deck, answers=answers, lang=lang, markup=DISCORD, taught=taught)
        await send_private(interaction, embed=to_embed(content))

    # ---------------------------------------------------------------------------------------- /deck export
    @deck.command(
        name="export",
        description=cmd("Download a deck as a YAML file, to review or edit", "teacher.cmd.deck.export"),
    )
    @teacher_only()
    @app_commands.describe(name=cmd("The deck's name (see /deck list)", "teacher.cmd.deck.name"))
    @app_commands.autocomplete(name=deck_choices)
    async def deck_export(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild_id is not None
        services, lang = require_services(interaction.client), await language(interaction)
        info, text = await services.teacher.export(interaction.guild_id, name)
        message = t(
            "teacher.deck.exported",
            lang,
            name=DISCORD.text(info.name),
            cards=render.cards_text(info.card_count, lang),
        )
        data = io.BytesIO(text.encode("utf-8"))
        await send_private(
            interaction, message, file=discord.File(data, filename=f"{deck_name(info.name)}.yaml")
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
        guild_id = interaction.guild_id
        services, lang = require_services(interaction.client), await language(interaction)
        info = await services.teacher.removable(guild_id, name)
        shown = DISCORD.text(info.name)

        async def remove() -> str:
            await services.teacher.remove(guild_id, info)
            return t("teacher.deck.removed", lang, name=shown)

        prompt = t(
            "teacher.deck.remove_confirm", lang, name=shown, cards=render.cards_text(info.card_count, lang)
        )
        await confirm_then(
            interaction,
            prompt,
            lang=lang,
            confirm_label=t("teacher.deck.remove_button", lang),
            action=remove,
            live=self._views,
            expired_key="teacher.deck.expired",
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Teacher(bot))
