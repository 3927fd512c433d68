"""The decks a guild can use, on the store: finding one by what a member typed, autocompletion, the bundled
decks, and the rules of removing one. The one place a typed deck name is resolved.

It is also where a deck is loaded for grading (``others``, ``playable``), so it gets the deck's grading
vectors ready there (:class:`bot.decks.vectors.DeckVectors`): restored from the store, or embedded once and
stored.

Refusals are :class:`bot.errors.UserError`s with the catalogue key of the feature that asked (``practice``,
``quiz`` or ``common``), so each feature keeps its own wording ("no question to practise" vs "no question
for a quiz").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.cache import SharedReads
from bot.errors import UserError
from bot.store import DeckInfo, DeckInUse, Store, StoredDeck, UnknownRecord

from . import SUPPORTED_SUFFIXES, DeckError, Item, load_deck
from .names import BadDeckName, check_deck_name, deck_name
from .vectors import DeckVectors

log = logging.getLogger(__name__)

#: The bundled deck a guild practises or quizzes on when it has no active deck.
DEFAULT_DECK = "cours-2"

Feature = Literal["practice", "quiz"]


@dataclass(frozen=True, slots=True)
class PlayableDeck:
    """A deck loaded for practice or a quiz, with the ids of its cards that have items to name."""

    info: DeckInfo
    stored: StoredDeck
    usable: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DeckChoice:
    label: str  # "name — title", at most 100 characters (Discord's limit)
    value: str


def bundled_deck_files(curated: Path | None, extra: Path | None = None) -> list[Path]:
    """The decks every guild sees: the curated ``*.yaml`` of ``curated`` (the project's ``data/decks``;
    the raw notes beside them are the same decks unreviewed) and every deck file of ``extra``
    (``TUTOR_DECKS``)."""
    files: list[Path] = []
    if curated is not None and curated.is_dir():
        files += sorted(p for p in curated.glob("*.yaml") if p.is_file())
    if extra is not None and extra.is_dir():
        files += sorted(p for p in extra.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
    return files


#: How long the other cards of a deck are kept for grading (seconds of real time): a class answering at the
#: same minute reads them once; an edit or an accepted alias shows up within this.
OTHERS_SECONDS = 10.0

Others = tuple[tuple[Item, ...], ...]


class DeckLibrary:
    """Deck look-ups and rules on the store, for every feature."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._decks: SharedReads[tuple[int | None, int], StoredDeck | None] = SharedReads(OTHERS_SECONDS)
        #: The vectors grading by meaning needs, restored from the store or computed once and stored.
        self.vectors = DeckVectors(store)

    async def others(self, deck_id: int | None, card_id: int, guild_id: int | None = None) -> Others | None:
        """The items of the deck's other cards, as the guild grades them: what grading by meaning calibrates
        an answer against (a part that sits closer to another card earns nothing). None without a deck."""
        if deck_id is None:
            return None

        async def read() -> StoredDeck | None:
            try:
                stored = await self.store.load_deck(deck_id, guild_id=guild_id)
            except UnknownRecord:  # the deck was removed: grade within the card alone
                return None
            await self.vectors.prepare(deck_id, guild_id, stored.deck.cards)  # before anything is embedded
            return stored

        stored = await self._decks.get((guild_id, deck_id), read)
        if stored is None:
            return None
        return tuple(
            card.items for cid, card in zip(stored.card_ids, stored.deck.cards, strict=True) if cid != card_id
        )

    def forget_others(self) -> None:
        """Read the decks again at the next answer (a card was edited, an alias accepted)."""
        self._decks.forget()

    async def find(self, guild_id: int, typed: str) -> DeckInfo:
        """The deck a member named: the guild's own first, else a bundled one.

        Raises ``UserError("teacher.deck.bad_name")`` for a name no deck has the shape of, and
        ``UserError("common.error.unknown_deck")`` when there is none of that name.
        """
        try:
            cleaned = check_deck_name(typed)
        except BadDeckName:
            raise UserError("teacher.deck.bad_name", user={"name": typed}) from None
        info = await self.store.find_deck(guild_id, cleaned)
        if info is None:
            raise UserError("common.error.unknown_deck", user={"name": cleaned})
        return info

    async def playable(self, guild_id: int, typed: str | None, feature: Feature) -> PlayableDeck:
        """The deck to practise or quiz on, loaded: the named one, else the guild's active deck, else the
        bundled default. Raises ``UserError("<feature>.error.unknown_deck|empty_deck|no_deck")``."""
        info: DeckInfo | None
        if typed is not None and typed.strip():
            try:
                info = await self.store.find_deck(guild_id, check_deck_name(typed))
            except BadDeckName:
                info = None
            if info is None:
                raise UserError(f"{feature}.error.unknown_deck", user={"name": typed.strip()})
        else:
            settings = await self.store.get_guild(guild_id)
            info = None
            if settings is not None and settings.active_deck_id is not None:
                info = await self.store.get_deck_info(settings.active_deck_id)
            if info is None:
                info = await self.store.find_deck(guild_id, DEFAULT_DECK)
            if info is None:
                raise UserError(f"{feature}.error.no_deck")
        stored = await self.store.load_deck(info.id, guild_id=guild_id)  # with its teachers' aliases
        hidden = await self.hidden_cards(guild_id)
        usable = tuple(
            cid
            for cid, card in zip(stored.card_ids, stored.deck.cards, strict=True)
            if card.items and cid not in hidden
        )
        if not usable:
            raise UserError(f"{feature}.error.empty_deck", user={"name": info.name})
        # In the background: a quiz or a practice session starts at once (its command has 3 s to answer, and
        # the model may still be loading); its first answers come seconds later.
        self.vectors.prepare_later(info.id, guild_id)
        return PlayableDeck(info, stored, usable)

    async def hidden_cards(self, guild_id: int | None) -> set[int]:
        """The cards of the guild's daily question not revealed yet: kept out of practice and quizzes, whose
        feedback would give the open question's answers away."""
        if guild_id is None:
            return set()
        return await self.store.unrevealed_cards(guild_id)

    async def choices(self, guild_id: int, typed: str, limit: int = 25) -> list[DeckChoice]:
        """Autocomplete: the guild's decks, then the bundled ones, with cards, whose name or title contains
        what was typed; names starting with it first. A guild deck shadows a bundled one of the same name."""
        wanted = typed.casefold().strip()
        seen: set[str] = set()
        starting: list[DeckChoice] = []
        containing: list[DeckChoice] = []
        for info in await self.store.list_decks(guild_id):
            if info.name in seen or not info.card_count:
                continue
            seen.add(info.name)
            name, title = info.name.casefold(), info.title.casefold()
            if wanted not in name and wanted not in title:
                continue
            label = f"{info.name} — {info.title}" if info.title and info.title != info.name else info.name
            choice = DeckChoice(label[:100], info.name[:100])
            (starting if name.startswith(wanted) else containing).append(choice)
        return (starting + containing)[:limit]

    async def load_bundled(self, files: Iterable[Path]) -> list[str]:
        """Store each deck file as a bundled deck under its file name (``cours-2.yaml`` → ``cours-2``).

        Saving replaces the stored deck and keeps its card ids where questions are unchanged, so doing it at
        every start-up keeps the database in step with the files without losing history. A deck that does
        not load is skipped with a warning naming the file and line; the bot still starts.
        """
        loaded: list[str] = []
        for path in files:
            name = deck_name(str(path))
            if name in loaded:
                log.warning("bundled deck %s: another file already gives the name %r; skipped", path, name)
                continue
            try:
                await self.store.save_deck(None, name, load_deck(path))  # a loaded deck always has cards
            except (DeckError, ValueError) as exc:
                log.warning("bundled deck not loaded: %s", exc)
                continue
            loaded.append(name)
        return loaded

    async def prepare_bundled(self) -> None:
        """Get the bundled decks' grading vectors ready in the background (restored, or computed and stored
        once): the first answers of the day then find them. The bot calls it at start-up."""
        for info in await self.store.list_decks(None):
            self.vectors.prepare_later(info.id)

    async def close(self) -> None:
        """Stop preparing vectors; the vectors already computed are still stored."""
        await self.vectors.close()

    async def check_removable(self, guild_id: int, info: DeckInfo) -> None:
        """Refuse removing a bundled deck, or the guild's active deck (asked before the confirmation)."""
        if info.guild_id is None:
            raise UserError("teacher.deck.remove_bundled", user={"name": info.name})
        settings = await self.store.get_guild(guild_id)
        if settings is not None and settings.active_deck_id == info.id:
            raise UserError("teacher.deck.remove_active", user={"name": info.name})

    async def remove(self, guild_id: int, info: DeckInfo) -> None:
        """Remove one of the guild's own decks. Refused for a bundled deck and for the active deck."""
        await self.check_removable(guild_id, info)
        try:
            await self.store.remove_deck(guild_id, info.name)
        except DeckInUse:  # made active meanwhile
            raise UserError("teacher.deck.remove_active", user={"name": info.name}) from None
        except UnknownRecord:  # removed meanwhile
            raise UserError("common.error.unknown_deck", user={"name": info.name}) from None


# ------------------------------------------------------------------------------------- grading vectors
