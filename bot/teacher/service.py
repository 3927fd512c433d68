"""The teacher tools without Discord: /stats of a posted question, and the deck library (import with a
preview, list, show, export, remove).

Reads and writes go through the store; the deck rules (what may be removed, what a typed name means) are the
deck library's (:mod:`bot.decks.library`). Parsing an upload and drawing a chart run in a thread, so the
event loop keeps serving other members.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot import charts
from bot.clock import Clock, checked_now
from bot.decks import Deck, dump_deck
from bot.decks.library import DeckLibrary
from bot.errors import UserError
from bot.store import DeckInfo, Post, Store

from . import render
from .aliases import AliasService
from .editing import DeckEditor
from .results import DeckAlias, ImportPreview, QuestionChoice, StatsView
from .upload import import_name, parse_upload

#: Recent questions offered by /stats' autocomplete (Discord shows at most 25).
RECENT_QUESTIONS = 25


class TeacherService:
    def __init__(
        self,
        store: Store,
        decks: DeckLibrary,
        clock: Clock,
        *,
        card_changed: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.decks = decks
        self.clock = clock
        #: /deck edit, add-card, remove-card and /tutor next; ``card_changed`` drops a cached card.
        self.editing = DeckEditor(store, decks, clock, card_changed or (lambda card_id: None))
        #: Accepting what the class typed as aliases, re-grading, and the notices owed to members.
        self.aliases = AliasService(store, decks, card_changed=card_changed)

    # ---------------------------------------------------------------------------------------------- stats

    async def question_choices(self, guild_id: int, typed: str, lang: str) -> list[QuestionChoice]:
        """Autocomplete for /stats: the guild's recent questions, newest first, ``date — question``."""
        settings = await self.store.get_guild(guild_id)
        tz = settings.tz if settings is not None else ZoneInfo("UTC")
        wanted = typed.strip().casefold()
        choices = []
        for post in await self.store.recent_posts(guild_id, RECENT_QUESTIONS):
            card = await self.store.get_card(post.card_id) if post.card_id is not None else None
            label = render.question_choice(post.slot, card.card.question if card else None, tz, lang)
            if wanted in label.casefold():
                choices.append(QuestionChoice(label, str(post.id)))
        return choices

    async def find_post(self, guild_id: int, question: str | None) -> Post:
        """The last sent post, the one autocomplete chose (its id), or the newest whose question matches.

        Raises ``UserError("teacher.stats.no_post" | "teacher.stats.unknown_question")``.
        """
        if question is None:
            post = await self.store.last_post(guild_id, sent_only=True)
            if post is None:
                raise UserError("teacher.stats.no_post")
            return post
        typed = question.strip()
        if typed.isascii() and typed.isdigit() and len(typed) < 20:
            found = await self.store.get_post(int(typed))
            # An id from another server is not this teacher's to read.
            if found is not None and found.guild_id == guild_id and found.posted_at is not None:
                return found
        wanted = typed.casefold()
        if wanted:
            for post in await self.store.recent_posts(guild_id, 50):
                stored = await self.store.get_card(post.card_id) if post.card_id is not None else None
                if stored is not None and wanted in stored.card.question.casefold():
                    return post
        raise UserError("teacher.stats.unknown_question", user={"question": question})

    async def stats(self, guild_id: int, question: str | None, lang: str) -> StatsView:
        post = await self.find_post(guild_id, question)
        stats = await self.store.post_stats(post.id)
        loop = await self.aliases.loop(post)
        card = loop.card
        labels = render.item_labels(card, len(stats.items), lang)
        png = None
        if stats.participants:
            rates = [(labels[item.position], item.rate) for item in stats.items]
            png = await asyncio.to_thread(charts.hit_rate_chart, rates, lang=lang)
        return StatsView(stats, card, labels, post.is_open(checked_now(self.clock)), png, loop)

    # ---------------------------------------------------------------------------------------------- decks

    async def preview_import(self, guild_id: int, filename: str, data: bytes) -> ImportPreview:
        """The deck in an upload, parsed (in a thread) but not stored. Raises UploadError."""
        deck = await asyncio.to_thread(parse_upload, data, filename)
        name = import_name(filename)
        return ImportPreview(guild_id, filename, name, deck, await self.store.find_deck(guild_id, name))

    async def save_import(self, preview: ImportPreview) -> bool:
        """Store the previewed deck; True when it is the guild's active deck (the class uses it now)."""
        deck_id = await self.store.save_deck(preview.guild_id, preview.name, preview.deck)
        self.decks.vectors.prepare_later(deck_id, preview.guild_id)  # ready before its first answer
        settings = await self.store.get_guild(preview.guild_id)
        return settings is not None and settings.active_deck_id == deck_id

    async def deck_list(self, guild_id: int) -> tuple[list[DeckInfo], int | None]:
        """The decks the guild can use, and the id of its active deck."""
        settings = await self.store.get_guild(guild_id)
        return await self.store.list_decks(
            guild_id
        ), settings.active_deck_id if settings is not None else None

    async def deck(self, guild_id: int, typed: str) -> tuple[DeckInfo, Deck]:
        """A deck the guild can use, loaded. Raises UserError for a bad or unknown name."""
        info = await self.decks.find(guild_id, typed)
        return info, (await self.store.load_deck(info.id)).deck

    async def deck_aliases(self, guild_id: int, info: DeckInfo) -> list[DeckAlias]:
        """The aliases the guild's teachers accepted on the deck's cards, in card order (teachers only)."""
        card_ids = (await self.store.load_deck(info.id)).card_ids
        numbers = {card_id: number for number, card_id in enumerate(card_ids, start=1)}
        return [
            DeckAlias(numbers[taught.card_id], taught.answer, taught.alias)
            for taught in await self.aliases.deck_aliases(guild_id, info.id)
            if taught.card_id in numbers
        ]

    async def export(self, guild_id: int, typed: str) -> tuple[DeckInfo, str]:
        """The deck as canonical YAML (``tutorbot deck check`` accepts it unchanged), as this guild grades
        it: the aliases its teachers accepted are written into their items, so an edited and re-imported
        export keeps them."""
        info = await self.decks.find(guild_id, typed)
        return info, dump_deck((await self.store.load_deck(info.id, guild_id=guild_id)).deck)

    async def removable(self, guild_id: int, typed: str) -> DeckInfo:
        """The deck a teacher asks to remove, if it may be removed. Raises UserError."""
        info = await self.decks.find(guild_id, typed)
        await self.decks.check_removable(guild_id, info)
        return info

    async def remove(self, guild_id: int, info: DeckInfo) -> None:
        await self.decks.remove(guild_id, info)
