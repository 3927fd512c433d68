"""The decks a guild can use, on the store: finding one by what a member typed, autocompletion, the bundled
decks, and the rules of removing one. The one place a typed deck name is resolved.

It is also where a deck is loaded for grading (``others``, ``playable``), so it gets the deck's grading
vectors ready there (:class:`DeckVectors`): restored from the store, or embedded once and stored.

Refusals are :class:`bot.errors.UserError`s with the catalogue key of the feature that asked (``practice``,
``quiz`` or ``common``), so each feature keeps its own wording ("no question to practise" vs "no question
for a quiz").
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.errors import UserError
from bot.grading import deck_texts, embeddings_blob, restore_embeddings, semantic, semantic_status
from bot.store import DeckInfo, DeckInUse, Store, StoredDeck, StoredVectors, StoreError, UnknownRecord

from . import SUPPORTED_SUFFIXES, Card, DeckError, Item, load_deck
from .names import BadDeckName, check_deck_name, deck_name

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
        self._others: dict[tuple[int | None, int], tuple[float, tuple[int, ...], tuple[Card, ...]]] = {}
        #: The vectors grading by meaning needs, restored from the store or computed once and stored.
        self.vectors = DeckVectors(store)

    async def others(self, deck_id: int | None, card_id: int, guild_id: int | None = None) -> Others | None:
        """The items of the deck's other cards, as the guild grades them: what grading by meaning calibrates
        an answer against (a part that sits closer to another card earns nothing). None without a deck."""
        if deck_id is None:
            return None
        key = (guild_id, deck_id)
        cached = self._others.get(key)
        if cached is None or time.monotonic() - cached[0] >= OTHERS_SECONDS:
            try:
                stored = await self.store.load_deck(deck_id, guild_id=guild_id)
            except UnknownRecord:  # the deck was removed: grade within the card alone
                return None
            await self.vectors.prepare(deck_id, guild_id, stored.deck.cards)  # before anything is embedded
            cached = (time.monotonic(), stored.card_ids, stored.deck.cards)
            if len(self._others) > 1000:
                self._others.clear()
            self._others[key] = cached
        _, ids, cards = cached
        return tuple(card.items for cid, card in zip(ids, cards, strict=True) if cid != card_id)

    def forget_others(self) -> None:
        """Read the decks again at the next answer (a card was edited, an alias accepted)."""
        self._others.clear()

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
        await self.vectors.prepare(info.id, guild_id, stored.deck.cards)
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


def _digest(texts: Sequence[str]) -> str:
    """Names a list of deck texts: the stored vectors were made for these texts, or for others."""
    return hashlib.blake2b("\x1f".join(texts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(slots=True)
class _Scope:
    """The texts of one stored row: the deck's own (``guild_id`` None), or what a guild's aliases add."""

    guild_id: int | None
    texts: list[str]
    digest: str
    stored: StoredVectors | None = None
    known: int = 0  # texts this process had embedded already (another deck shares them)
    restored: int = 0
    #: Embedded now (what was stored is missing, stale or unreadable): to be stored.
    embedded: bool = False

    @property
    def unreadable(self) -> bool:
        """The stored blob was made for these texts, yet put none of them back (damaged, or foreign)."""
        return (
            self.stored is not None
            and self.stored.digest == self.digest
            and not self.restored
            and self.known < len(self.texts)
        )

    @property
    def fresh(self) -> bool:
        """Stored for these texts, and every one of them is now in memory: nothing to embed or store."""
        return (
            self.stored is not None
            and self.stored.digest == self.digest
            and self.known + self.restored >= len(self.texts)
        )


def _in_memory(texts: Sequence[str]) -> int:
    """How many of ``texts`` the grader holds vectors of already (restoring skips them). The grader has no
    public question for it; should its cache move, this counts none, which only costs a rewrite."""
    cache = getattr(getattr(semantic, "_state", None), "cache", None)
    return sum(text in cache for text in texts) if isinstance(cache, dict) else 0


def _fill(scopes: Sequence[_Scope]) -> None:
    """In the vectors' worker thread: put the stored vectors back, then embed (once, in one model call per
    scope) whatever they lack. Nothing is embedded for a fresh scope."""
    for scope in scopes:
        scope.known = _in_memory(scope.texts)
        if scope.stored is not None:
            scope.restored = restore_embeddings(scope.stored.blob, scope.texts)
    stale = [scope for scope in scopes if not scope.fresh]
    if stale and semantic.active():  # loads the model if the start-up warm-up has not yet
        for scope in stale:
            scope.embedded = len(semantic.deck_vectors(scope.texts)) == len(scope.texts)


class DeckVectors:
    """The vectors grading by meaning computes for a deck's items, aliases and details, kept in the store.

    ``prepare`` runs when the library first loads a deck for grading (and again when the deck's texts
    changed): the stored vectors are restored before anything is embedded; what they lack (a new deck, an
    edited card, an accepted alias, another model, a damaged blob) is embedded once in a worker thread and
    stored in the background. With grading by meaning off (``TUTOR_SEMANTIC=0``) or its model missing,
    nothing is computed or stored. A failure here is logged and costs nothing but time: grading embeds what
    it lacks itself.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        # (deck, guild) -> hash of the deck's items as that guild grades them, ready in this process.
        self._ready: dict[tuple[int, int | None], int] = {}
        # (deck, scope) -> digest of that row's texts, ready in this process (a shared deck's own texts are
        # restored once, not once per guild).
        self._scopes: dict[tuple[int, int | None], str] = {}
        self._running: dict[tuple[int, int | None], asyncio.Task[None]] = {}
        self._later: set[asyncio.Task[None]] = set()  # prepare_later's
        self._writes: set[asyncio.Task[None]] = set()
        self._warned: set[tuple[int, int | None]] = set()
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    @staticmethod
    def enabled() -> bool:
        status = semantic_status()
        return status.enabled and status.available is not False

    async def prepare(self, deck_id: int, guild_id: int | None, cards: Sequence[Card]) -> None:
        """Make the vectors of ``cards`` (the deck as ``guild_id`` grades it) ready before grading."""
        if not self.enabled() or not cards:
            return
        key = (deck_id, guild_id)
        # Every answer's deck read (every OTHERS_SECONDS) comes here: a hash of the items (a fraction of a
        # millisecond for 100 cards) tells an unchanged deck, before any text is listed.
        seen = hash(tuple(card.items for card in cards))
        if self._ready.get(key) == seen:
            return
        task = self._running.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._prepare(deck_id, guild_id, cards, seen))
            self._running[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        try:
            await asyncio.shield(task)  # a member who gives up does not stop the deck's preparation
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            # The preparation was stopped (the bot is closing): grading embeds what it needs itself.

    def prepare_later(self, deck_id: int, guild_id: int | None = None) -> None:
        """Prepare a deck in the background (it was saved or changed): loaded as ``guild_id`` grades it."""
        if not self.enabled():
            return

        async def load_and_prepare() -> None:
            try:
                stored = await self.store.load_deck(deck_id, guild_id=guild_id)
            except UnknownRecord:
                return
            except Exception as error:  # the store is closing or unavailable: the next answer prepares it
                log.info("deck %s: vectors not prepared ahead (%s)", deck_id, error)
                return
            await self.prepare(deck_id, guild_id, stored.deck.cards)

        self._keep(self._later, asyncio.get_running_loop().create_task(load_and_prepare()))

    def _finished(self, key: tuple[int, int | None], task: asyncio.Task[None]) -> None:
        if self._running.get(key) is task:
            del self._running[key]

    @staticmethod
    def _keep(tasks: set[asyncio.Task[None]], task: asyncio.Task[None]) -> None:
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def _worker(self) -> concurrent.futures.ThreadPoolExecutor:
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="deck-vectors")
        return self._executor

    async def _prepare(self, deck_id: int, guild_id: int | None, cards: Sequence[Card], seen: int) -> None:
        try:
            scopes = await self._scopes_of(deck_id, guild_id, cards)
            for scope in scopes:
                scope.stored = await self.store.deck_vectors(
                    deck_id, semantic.MODEL_ID, guild_id=scope.guild_id
                )
            await asyncio.get_running_loop().run_in_executor(self._worker(), _fill, scopes)
        except UnknownRecord:  # removed meanwhile
            return
        except Exception as error:  # never an error for a member: grading embeds what it lacks itself
            # Not tried again for these texts in this process (logged once): embedded when needed instead.
            self._ready[deck_id, guild_id] = seen
            if isinstance(error, StoreError):  # the database is unavailable or closing: said by the store
                log.warning("deck %s: grading vectors not read (%s); computed when needed", deck_id, error)
            else:
                log.exception("deck %s: grading vectors could not be prepared; computed when needed", deck_id)
            return
        self._ready[deck_id, guild_id] = seen
        for scope in scopes:
            self._scopes[deck_id, scope.guild_id] = scope.digest
            if scope.unreadable and (deck_id, scope.guild_id) not in self._warned:
                self._warned.add((deck_id, scope.guild_id))
                log.warning("deck %s: its stored grading vectors could not be read; computed again", deck_id)
            if scope.embedded:
                self._keep(self._writes, asyncio.get_running_loop().create_task(self._store(deck_id, scope)))

    async def _scopes_of(self, deck_id: int, guild_id: int | None, cards: Sequence[Card]) -> list[_Scope]:
        """The rows the deck's texts live in (the deck's own; the guild's taught aliases), less those this
        process already has ready."""
        texts = deck_texts([card.items for card in cards])
        own = texts
        if guild_id is not None:  # the deck without the guild's taught aliases: its own texts
            own = deck_texts([card.items for card in (await self.store.load_deck(deck_id)).deck.cards])
        known = set(own)
        scopes = [_Scope(None, own, _digest(own))]
        extra = [text for text in texts if text not in known]
        if extra:
            scopes.append(_Scope(guild_id, extra, _digest(extra)))
        return [scope for scope in scopes if self._scopes.get((deck_id, scope.guild_id)) != scope.digest]

    async def _store(self, deck_id: int, scope: _Scope) -> None:
        """Off the answer's path: keep the vectors just computed (made into bytes in the worker thread)."""
        try:
            blob = await asyncio.get_running_loop().run_in_executor(
                self._worker(), embeddings_blob, scope.texts
            )
            await self.store.save_deck_vectors(
                deck_id, semantic.MODEL_ID, scope.digest, blob, guild_id=scope.guild_id
            )
        except Exception as error:  # computed again after a restart, nothing worse
            log.warning("deck %s: grading vectors not stored (%s)", deck_id, error)

    async def settled(self) -> None:
        """Wait until every preparation and write under way has finished."""
        while self._running or self._later or self._writes:
            await asyncio.gather(*self._running.values(), *self._later, *self._writes, return_exceptions=True)

    async def close(self) -> None:
        """Stop preparing; wait for the vectors being stored."""
        for task in [*self._running.values(), *self._later]:
            task.cancel()
        await self.settled()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
