"""A deck's grading vectors, kept with the stored deck: restored when the deck is first loaded for grading, or
embedded once (in one worker thread, off the event loop) and stored in the background.

Grading by meaning embeds every item, alias and detail text of a deck. Without this, each restart embedded
every deck again at its first answers (1.9-3.2 s for a 100-card deck on this machine, against about 0.1 s to
restore it). The deck's own texts are one row shared by every guild; what a guild's teachers taught (its
accepted aliases) is a row of that guild. A row names the model and a digest of its texts, so a new model or
an edited card is never served stale vectors.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.grading import deck_texts, embeddings_blob, restore_embeddings, semantic, semantic_status
from bot.store import Store, StoredVectors, StoreError, UnknownRecord

from .model import Card

log = logging.getLogger(__name__)


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
