"""Editing a deck in Discord without Discord: a card's form opened and saved, a card added or removed, the
card autocomplete, and the card a teacher queues as the next daily question.

Only a guild's own decks are edited (bundled ones are shared: the teacher imports a copy). A saved form is
checked whole (:mod:`bot.teacher.card_form`) and written in one transaction; an edit keeps the card's id, so
the answers given to it keep their grade and points. Two teachers editing the same card: the form carries
the card's version, and the second save is refused with "changed meanwhile" (nothing of it saved, the first
stays) rather than silently overwriting an edit its author never saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock, checked_now
from bot.decks import Card
from bot.decks.library import DeckLibrary
from bot.errors import UserError
from bot.i18n import t
from bot.store import CardChanged, DeckInfo, InvalidValue, Store, StoredDeck, UnknownRecord

from .card_form import CardFormError, fits_form, format_items, parse_card, version_of

#: Autocomplete shows at most this many cards (Discord's limit).
CHOICES = 25
#: The prefix of a card chosen from the autocomplete: "card:123" (a typed number is a card's position).
CARD_VALUE = "card:"


@dataclass(frozen=True, slots=True)
class CardRef:
    """A card of a deck: its id, its number in the deck (1-based), and its content."""

    deck: DeckInfo
    id: int
    number: int
    card: Card


@dataclass(frozen=True, slots=True)
class CardDraft:
    """What a form shows: the deck, the card edited (None: a new card), its boxes and its version."""

    deck: DeckInfo
    card_id: int | None
    number: int
    question: str
    items: str
    version: str = ""


@dataclass(frozen=True, slots=True)
class SavedCard:
    deck: DeckInfo
    ref: CardRef
    active: bool  # the guild's active deck: the next posts use the new text
    open_question: bool  # the question open right now: answers from now on use the new items
    added: bool = False  # a new card (else an edit)


@dataclass(frozen=True, slots=True)
class CardChoice:
    label: str
    value: str


class ChangedMeanwhile(UserError):
    """Someone else saved the card since the form was opened; ``draft`` is the form again, holding what
    this teacher typed, over the version now stored (saving it replaces that version)."""

    def __init__(self, ref: CardRef, draft: CardDraft) -> None:
        super().__init__("teacher.edit.changed", user={"name": ref.deck.name}, number=ref.number)
        self.draft = draft


class InvalidForm(CardFormError):
    """A form refused whole (every wrong line); ``draft`` is the form again, holding what was typed."""

    def __init__(self, error: CardFormError, draft: CardDraft) -> None:
        super().__init__(list(error.problems))
        self.draft = draft


def _parsed(question: str, items: str, draft: CardDraft) -> Card:
    try:
        return parse_card(question, items)
    except CardFormError as error:
        raise InvalidForm(error, draft) from None


class DeckEditor:
    def __init__(
        self, store: Store, decks: DeckLibrary, clock: Clock, on_card_changed: Callable[[int], None]
    ) -> None:
        self.store = store
        self.decks = decks
        self.clock = clock
        self.on_card_changed = on_card_changed

    # ------------------------------------------------------------------------------------------ finding

    async def editable(self, guild_id: int, typed: str) -> DeckInfo:
        """The guild's own deck named ``typed``; bundled decks are refused with how to make a copy."""
        info = await self.decks.find(guild_id, typed)
        if info.guild_id is None:
            raise UserError("teacher.edit.bundled", user={"name": info.name})
        return info

    async def _loaded(self, info: DeckInfo) -> StoredDeck:
        try:
            return await self.store.load_deck(info.id)
        except UnknownRecord:
            raise UserError("teacher.edit.deck_gone") from None

    async def find_card(self, info: DeckInfo, typed: str) -> CardRef:
        """The card of ``info`` a teacher chose: from the autocomplete (``card:<id>``), by its number, or by
        words of its question."""
        stored = await self._loaded(info)
        cards = list(zip(stored.card_ids, stored.deck.cards, strict=True))
        text = typed.strip()
        found: int | None = None
        if text.startswith(CARD_VALUE) and text[len(CARD_VALUE) :].isdigit():
            wanted = int(text[len(CARD_VALUE) :])
            found = next((i for i, (cid, _) in enumerate(cards) if cid == wanted), None)
        elif text.isdigit() and 1 <= int(text) <= len(cards):
            found = int(text) - 1
        elif text:
            words = text.casefold()
            found = next((i for i, (_, c) in enumerate(cards) if words in c.question.casefold()), None)
        if found is None:
            raise UserError("teacher.edit.unknown_card", user={"card": text, "name": info.name})
        card_id, card = cards[found]
        return CardRef(info, card_id, found + 1, card)

    async def card_choices(
        self, guild_id: int, typed_deck: str | None, current: str, lang: str
    ) -> list[CardChoice]:
        """Autocomplete: the cards of the deck named (else the guild's active deck) whose number or question
        matches what was typed, ``3. Question``."""
        info: DeckInfo | None = None
        if typed_deck:
            try:
                info = await self.decks.find(guild_id, typed_deck)
            except UserError:
                return []
        else:
            settings = await self.store.get_guild(guild_id)
            if settings is not None and settings.active_deck_id is not None:
                info = await self.store.get_deck_info(settings.active_deck_id)
        if info is None:
            return []
        try:
            stored = await self.store.load_deck(info.id)
        except UnknownRecord:
            return []
        wanted = current.strip().casefold()
        choices = []
        for number, (card_id, card) in enumerate(zip(stored.card_ids, stored.deck.cards, strict=True), 1):
            label = t(
                "teacher.edit.card_choice", lang, number=number, question=" ".join(card.question.split())
            )
            if wanted and wanted not in label.casefold():
                continue
            choices.append(CardChoice(label[:100], f"{CARD_VALUE}{card_id}"))
            if len(choices) >= CHOICES:
                break
        return choices

    # ------------------------------------------------------------------------------------------ forms

    async def open_edit(self, guild_id: int, typed_deck: str, typed_card: str) -> CardDraft:
        info = await self.editable(guild_id, typed_deck)
        ref = await self.find_card(info, typed_card)
        if not fits_form(ref.card):
            raise UserError("teacher.form.too_long", user={"name": info.name}, number=ref.number)
        return CardDraft(
            info, ref.id, ref.number, ref.card.question, format_items(ref.card), version_of(ref.card)
        )

    async def open_add(self, guild_id: int, typed_deck: str) -> CardDraft:
        info = await self.editable(guild_id, typed_deck)
        return CardDraft(info, None, info.card_count + 1, "", "")

    async def save_edit(
        self, guild_id: int, card_id: int, version: str, question: str, items: str
    ) -> SavedCard:
        """Save a submitted edit form, whole or not at all.

        Raises CardFormError (every wrong line), ChangedMeanwhile (someone saved the card since the form
        opened), or a UserError when the card or its deck is gone or is not this guild's.
        """
        ref = await self._card_of_guild(guild_id, card_id)
        # Checked whole before anything is written.
        card = _parsed(question, items, CardDraft(ref.deck, card_id, ref.number, question, items, version))
        if version_of(ref.card) != version:
            raise ChangedMeanwhile(
                ref, CardDraft(ref.deck, card_id, ref.number, question, items, version_of(ref.card))
            )
        try:
            await self.store.update_card(card_id, card, expected=ref.card)
        except CardChanged:  # saved by someone else between our read and our write
            now = await self._card_of_guild(guild_id, card_id)
            draft = CardDraft(now.deck, card_id, now.number, question, items, version_of(now.card))
            raise ChangedMeanwhile(now, draft) from None
        except UnknownRecord:
            raise UserError("teacher.edit.card_gone", user={"name": ref.deck.name}) from None
        self.on_card_changed(card_id)
        return await self._saved(guild_id, CardRef(ref.deck, card_id, ref.number, card))

    async def save_add(self, guild_id: int, deck_id: int, question: str, items: str) -> SavedCard:
        """Save a submitted new-card form, whole or not at all (see save_edit)."""
        info = await self.store.get_deck_info(deck_id)
        if info is None or info.guild_id != guild_id:
            raise UserError("teacher.edit.deck_gone")
        card = _parsed(question, items, CardDraft(info, None, info.card_count + 1, question, items))
        try:
            stored = await self.store.add_card(deck_id, card)
        except UnknownRecord:
            raise UserError("teacher.edit.deck_gone") from None
        info = await self.store.get_deck_info(deck_id) or info
        return await self._saved(guild_id, CardRef(info, stored.id, info.card_count, card), added=True)

    async def _card_of_guild(self, guild_id: int, card_id: int) -> CardRef:
        stored = await self.store.get_card(card_id)
        info = await self.store.get_deck_info(stored.deck_id) if stored is not None else None
        if stored is None or info is None or info.guild_id != guild_id:
            raise UserError("teacher.edit.deck_gone")
        if stored.position is None:
            raise UserError("teacher.edit.card_gone", user={"name": info.name})
        deck = await self._loaded(info)
        number = deck.card_ids.index(card_id) + 1 if card_id in deck.card_ids else stored.position + 1
        return CardRef(info, card_id, number, stored.card)

    async def _saved(self, guild_id: int, ref: CardRef, *, added: bool = False) -> SavedCard:
        settings = await self.store.get_guild(guild_id)
        active = settings is not None and settings.active_deck_id == ref.deck.id
        post = await self.store.open_post(guild_id, checked_now(self.clock)) if active else None
        return SavedCard(ref.deck, ref, active, post is not None and post.card_id == ref.id, added)

    # ------------------------------------------------------------------------------------------ removing

    async def removable_card(self, guild_id: int, typed_deck: str, typed_card: str) -> CardRef:
        """The card a teacher asks to remove, if it may be (asked before the confirmation)."""
        info = await self.editable(guild_id, typed_deck)
        ref = await self.find_card(info, typed_card)
        if info.card_count <= 1:
            raise UserError("teacher.edit.last_card", user={"name": info.name, "question": ref.card.question})
        return ref

    async def remove_card(self, ref: CardRef) -> DeckInfo:
        """Remove the card (retired when posts or reviews use it, so history stays); the deck as it is now."""
        try:
            await self.store.remove_card(ref.id)
        except InvalidValue:  # the others were removed meanwhile
            raise UserError(
                "teacher.edit.last_card", user={"name": ref.deck.name, "question": ref.card.question}
            ) from None
        except UnknownRecord:
            raise UserError("teacher.edit.card_gone", user={"name": ref.deck.name}) from None
        self.on_card_changed(ref.id)
        return await self.store.get_deck_info(ref.deck.id) or ref.deck

    # ------------------------------------------------------------------------------------------ /tutor next

    async def queue_next(self, guild_id: int, typed_card: str) -> CardRef:
        """Queue a card of the guild's active deck as its next daily question (posted once, then the deck's
        order goes on). Raises UserError when the guild is not set up or the card is not in the deck."""
        settings = await self.store.get_guild(guild_id)
        if settings is None or settings.active_deck_id is None:
            raise UserError("common.error.not_set_up")
        info = await self.store.get_deck_info(settings.active_deck_id)
        if info is None:
            raise UserError("common.error.not_set_up")
        ref = await self.find_card(info, typed_card)
        try:
            await self.store.set_next_card(guild_id, ref.id)
        except UnknownRecord:
            raise UserError("teacher.edit.card_gone", user={"name": info.name}) from None
        return ref
