"""Decks and their cards: saving (a re-import keeps deck and card ids), loading, listing, removing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from bot.decks.model import Card, Deck, Item
from bot.decks.names import MAX_DECK_NAME, BadDeckName, check_deck_name

from .aliases import taught_of_card, taught_of_deck, with_taught
from .base import Conn, Row, StoreBase
from .base import at as _at
from .errors import CardChanged, DeckInUse, InvalidValue, UnknownRecord
from .records import DeckInfo, StoredCard, StoredDeck


class DeckStore(StoreBase):
    """The Store's deck methods."""

    async def save_deck(self, guild_id: int | None, name: str, deck: Deck) -> int:
        """Store a deck under ``name`` for a guild (None: bundled), replacing one of the same name atomically.

        A replaced deck keeps its id, and its cards keep their ids when their question is unchanged, so
        history, statistics and practice reviews survive a re-import (adding aliases, fixing a detail).
        Cards that disappear are deleted, or retired (kept without a position) when posts or reviews use them.
        """
        name = _deck_name(name)
        if not deck.cards:
            raise InvalidValue(f"deck {name!r} has no cards; a deck needs at least one question")
        now = self._now()

        async def work(db: Conn) -> int:
            # Insert first, and only when the name is free (ON CONFLICT: not a read-then-write): two processes
            # storing the bundled decks at the same start-up then take turns instead of one failing on the
            # unique name. On conflict the existing deck (committed by the other one) is replaced.
            inserted = list(
                await db.fetch(
                    "INSERT INTO decks (guild_id, name, title, language, source, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                    (guild_id, name, deck.title, deck.language, deck.source, now, now),
                )
            )
            old: dict[str, list[int]] = {}
            if inserted:
                deck_id = int(inserted[0][0])
            else:
                rows = list(
                    await db.fetch(
                        "SELECT id FROM decks "
                        "WHERE coalesce(guild_id, 0) = coalesce(CAST(? AS BIGINT), 0) AND name = ?",
                        (guild_id, name),
                    )
                )
                deck_id = int(rows[0][0])
                await db.execute(
                    "UPDATE decks SET name = ?, title = ?, language = ?, source = ?, updated_at = ? "
                    "WHERE id = ?",
                    (name, deck.title, deck.language, deck.source, now, deck_id),
                )
                for card_id, question in await db.fetch(
                    "SELECT id, question FROM cards WHERE deck_id = ? "
                    "ORDER BY position IS NULL, position, id",
                    (deck_id,),
                ):
                    old.setdefault(question, []).append(card_id)
                # Park every card first so new positions can be handed out in any order without tripping
                # UNIQUE (deck_id, position).
                await db.execute("UPDATE cards SET position = NULL WHERE deck_id = ?", (deck_id,))
            items: list[tuple[int, int, str, str, str]] = []
            for position, card in enumerate(deck.cards):
                same = old.get(card.question)
                if same:
                    card_id = same.pop(0)
                    await db.execute(
                        "UPDATE cards SET position = ?, line = ? WHERE id = ?", (position, card.line, card_id)
                    )
                    await db.execute("DELETE FROM items WHERE card_id = ?", (card_id,))
                else:
                    inserted = await db.fetch(
                        "INSERT INTO cards (deck_id, position, question, line) VALUES (?, ?, ?, ?) "
                        "RETURNING id",
                        (deck_id, position, card.question, card.line),
                    )
                    card_id = int(next(iter(inserted))[0])
                items.extend(
                    (
                        card_id,
                        index,
                        item.answer,
                        item.detail,
                        json.dumps(list(item.aliases), ensure_ascii=False),
                    )
                    for index, item in enumerate(card.items)
                )
            await db.executemany(
                "INSERT INTO items (card_id, position, answer, detail, aliases) VALUES (?, ?, ?, ?, ?)", items
            )
            leftovers = [(card_id,) for ids in old.values() for card_id in ids]
            await db.executemany(
                "DELETE FROM cards WHERE id = ? "
                "AND NOT EXISTS (SELECT 1 FROM posts WHERE card_id = cards.id) "
                "AND NOT EXISTS (SELECT 1 FROM reviews WHERE card_id = cards.id)",
                leftovers,
            )
            return deck_id

        return await self._write(work)

    async def load_deck(self, deck_id: int, *, guild_id: int | None = None) -> StoredDeck:
        """The deck with its current cards in order, and their ids; given a guild, with the aliases its
        teachers accepted merged into the items (aliases.py)."""

        async def work(db: Conn) -> StoredDeck:
            heads = list(await db.fetch("SELECT * FROM decks WHERE id = ?", (deck_id,)))
            if not heads:
                raise UnknownRecord(f"deck {deck_id} does not exist (removed?); pick one from list_decks()")
            rows = await db.fetch(
                "SELECT c.id AS card_id, c.question, c.line, i.answer, i.detail, i.aliases "
                "FROM cards c LEFT JOIN items i ON i.card_id = c.id "
                "WHERE c.deck_id = ? AND c.position IS NOT NULL ORDER BY c.position, i.position",
                (deck_id,),
            )
            return _stored_deck(heads[0], rows, await taught_of_deck(db, guild_id, deck_id))

        return await self._read(work)

    async def find_deck(self, guild_id: int | None, name: str) -> DeckInfo | None:
        """The deck a guild means by ``name``: its own first, else a bundled one."""
        rows = await self._fetch(
            f"{_DECK_INFO} WHERE (d.guild_id = ? OR d.guild_id IS NULL) AND d.name = ? "
            "GROUP BY d.id ORDER BY d.guild_id IS NULL LIMIT 1",
            (guild_id, name.strip()),
        )
        return _deck_info(rows[0]) if rows else None

    async def get_deck_info(self, deck_id: int) -> DeckInfo | None:
        rows = await self._fetch(f"{_DECK_INFO} WHERE d.id = ? GROUP BY d.id", (deck_id,))
        return _deck_info(rows[0]) if rows else None

    async def list_decks(self, guild_id: int | None) -> list[DeckInfo]:
        """The guild's own decks, then the bundled ones, each by name (None: bundled only)."""
        rows = await self._fetch(
            f"{_DECK_INFO} WHERE d.guild_id = ? OR d.guild_id IS NULL "
            "GROUP BY d.id ORDER BY d.guild_id IS NULL, d.name",
            (guild_id,),
        )
        return [_deck_info(row) for row in rows]

    async def remove_deck(self, guild_id: int | None, name: str) -> None:
        """Delete a guild's own deck (None: a bundled deck). Scores earned on it are kept.

        Refused with DeckInUse while any guild has it as its active deck.
        """

        async def work(db: Conn) -> None:
            rows = list(
                await db.fetch(
                    "SELECT id FROM decks "
                    "WHERE coalesce(guild_id, 0) = coalesce(CAST(? AS BIGINT), 0) AND name = ?",
                    (guild_id, name.strip()),
                )
            )
            if not rows:
                raise UnknownRecord(f"there is no deck named {name!r} here; see the deck list")
            deck_id = int(rows[0][0])
            users = [
                int(row[0])
                for row in await db.fetch(
                    "SELECT guild_id FROM guilds WHERE active_deck_id = ? ORDER BY guild_id", (deck_id,)
                )
            ]
            if users:
                where = "this server" if users == [guild_id] else f"{len(users)} server(s)"
                raise DeckInUse(
                    f"deck {name!r} is the active deck of {where}; "
                    "choose another deck with /tutor setup first"
                )
            await db.execute("DELETE FROM deck_totals WHERE deck_id = ?", (deck_id,))
            await db.execute("DELETE FROM decks WHERE id = ?", (deck_id,))

        await self._write(work)

    async def get_card(self, card_id: int, *, guild_id: int | None = None) -> StoredCard | None:
        """One card with its items, also a retired one (old posts still show their question); given a guild,
        with the aliases its teachers accepted merged into the items (aliases.py)."""

        async def work(db: Conn) -> StoredCard | None:
            rows = list(
                await db.fetch(
                    "SELECT c.id AS card_id, c.deck_id, c.position, c.question, c.line, "
                    "i.answer, i.detail, i.aliases "
                    "FROM cards c LEFT JOIN items i ON i.card_id = c.id WHERE c.id = ? ORDER BY i.position",
                    (card_id,),
                )
            )
            if not rows:
                return None
            first = rows[0]
            card = with_taught(_card(rows), await taught_of_card(db, guild_id, card_id))
            return StoredCard(
                id=first["card_id"], deck_id=first["deck_id"], position=first["position"], card=card
            )

        return await self._read(work)

    # ------------------------------------------------------------------------------------ one card at a time

    async def update_card(self, card_id: int, card: Card, *, expected: Card | None = None) -> StoredCard:
        """Replace a card's question and items in place, in one transaction: the card keeps its id and its
        position, so its posts, the answers to them (their grades and points), statistics and practice
        reviews stay attached to it, and the next post shows the new text.

        Answers keep their score and points. The items they were credited with follow the items: an item
        moved or renamed in place keeps its credits, a removed one loses them (not the points), so the
        reveal and /stats of past posts count hits against the right items.

        With ``expected`` (the card as the editor read it), refused with CardChanged when the stored card is
        no longer that one: someone else saved it meanwhile. UnknownRecord when the card was removed or
        retired by a re-import. Checked after locking the card's row, so two processes agree too.
        """
        _check_card(card)

        async def work(db: Conn) -> StoredCard:
            # Lock the row first (PostgreSQL: a second editor waits here, then reads what the first saved).
            if not await db.execute(
                "UPDATE cards SET question = question WHERE id = ? AND position IS NOT NULL", (card_id,)
            ):
                raise UnknownRecord(f"card {card_id} is no longer in its deck (removed or re-imported)")
            rows = await db.fetch(_CARD_ROWS, (card_id,))
            current = _card(rows)
            if expected is not None and not same_card(current, expected):
                raise CardChanged(f"card {card_id} was changed since it was read; reload it and edit again")
            deck_id, position = int(rows[0]["deck_id"]), rows[0]["position"]
            moved = item_moves(current.items, card.items)
            if any(moved.get(index) != index for index in range(len(current.items))):
                await _move_credits(db, card_id, moved)
            await db.execute("UPDATE cards SET question = ? WHERE id = ?", (card.question, card_id))
            await db.execute("DELETE FROM items WHERE card_id = ?", (card_id,))
            await db.executemany(_INSERT_ITEM, _item_rows(card_id, card))
            await db.execute("UPDATE decks SET updated_at = ? WHERE id = ?", (self._now(), deck_id))
            return StoredCard(id=card_id, deck_id=deck_id, position=position, card=card)

        return await self._write(work)

    async def add_card(self, deck_id: int, card: Card) -> StoredCard:
        """Append a card to a deck, in one transaction; UnknownRecord when the deck was removed."""
        _check_card(card)

        async def work(db: Conn) -> StoredCard:
            # Locks the deck's row: two cards added at once get two positions.
            if not await db.execute("UPDATE decks SET updated_at = ? WHERE id = ?", (self._now(), deck_id)):
                raise UnknownRecord(f"deck {deck_id} does not exist (removed?); pick one from list_decks()")
            last = await db.fetchrow("SELECT max(position) AS last FROM cards WHERE deck_id = ?", (deck_id,))
            position = 0 if last is None or last["last"] is None else int(last["last"]) + 1
            inserted = await db.fetch(
                "INSERT INTO cards (deck_id, position, question, line) VALUES (?, ?, ?, NULL) RETURNING id",
                (deck_id, position, card.question),
            )
            card_id = int(next(iter(inserted))[0])
            await db.executemany(_INSERT_ITEM, _item_rows(card_id, card))
            return StoredCard(id=card_id, deck_id=deck_id, position=position, card=card)

        return await self._write(work)

    async def remove_card(self, card_id: int) -> bool:
        """Take a card out of its deck, in one transaction: deleted, or retired (kept without a position, as
        save_deck does) when posts or reviews use it, so history and scores stay. True when retired.

        Refused with InvalidValue for the deck's last card (a deck needs a question), UnknownRecord when the
        card is already gone. A guild that queued it as its next question forgets it.
        """

        async def work(db: Conn) -> bool:
            found = await db.fetchrow(
                "SELECT deck_id FROM cards WHERE id = ? AND position IS NOT NULL", (card_id,)
            )
            if found is None:
                raise UnknownRecord(f"card {card_id} is no longer in its deck (removed or re-imported)")
            deck_id = int(found["deck_id"])
            await db.execute("UPDATE decks SET updated_at = ? WHERE id = ?", (self._now(), deck_id))  # lock
            live = await db.fetchrow(
                "SELECT count(*) AS n FROM cards WHERE deck_id = ? AND position IS NOT NULL", (deck_id,)
            )
            if live is None or int(live["n"]) <= 1:
                raise InvalidValue(f"card {card_id} is the last card of deck {deck_id}; a deck needs one")
            await db.execute("UPDATE guilds SET next_card_id = NULL WHERE next_card_id = ?", (card_id,))
            deleted = await db.execute(
                "DELETE FROM cards WHERE id = ? "
                "AND NOT EXISTS (SELECT 1 FROM posts WHERE card_id = cards.id) "
                "AND NOT EXISTS (SELECT 1 FROM reviews WHERE card_id = cards.id)",
                (card_id,),
            )
            if deleted:
                return False
            await db.execute("UPDATE cards SET position = NULL WHERE id = ?", (card_id,))
            return True

        return await self._write(work)


# The one deck-name rule will live in bot/decks/names.py; until then the store keeps its own check here.
_DECK_INFO = (
    "SELECT d.id, d.guild_id, d.name, d.title, d.language, d.updated_at, count(c.id) AS card_count "
    "FROM decks d LEFT JOIN cards c ON c.deck_id = d.id AND c.position IS NOT NULL"
)


def _deck_name(name: str) -> str:
    """The one deck-name rule (bot.decks.names), refused as an invalid value."""
    try:
        return check_deck_name(name)
    except BadDeckName:
        raise InvalidValue(
            f"a deck name has 1 to {MAX_DECK_NAME} letters, digits, spaces or dashes, got {name!r}"
        ) from None


def _deck_info(row: Row) -> DeckInfo:
    return DeckInfo(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        title=row["title"],
        language=row["language"],
        card_count=row["card_count"],
        updated_at=_at(row["updated_at"]),
    )


_CARD_ROWS = (
    "SELECT c.id AS card_id, c.deck_id, c.position, c.question, c.line, i.answer, i.detail, i.aliases "
    "FROM cards c LEFT JOIN items i ON i.card_id = c.id WHERE c.id = ? ORDER BY i.position"
)
_INSERT_ITEM = "INSERT INTO items (card_id, position, answer, detail, aliases) VALUES (?, ?, ?, ?, ?)"


def _item_rows(card_id: int, card: Card) -> list[tuple[int, int, str, str, str]]:
    return [
        (card_id, index, item.answer, item.detail, json.dumps(list(item.aliases), ensure_ascii=False))
        for index, item in enumerate(card.items)
    ]


def _check_card(card: Card) -> None:
    if not card.question.strip() or not card.items or any(not item.answer.strip() for item in card.items):
        raise InvalidValue("a card needs a question and at least one item, each with an answer")


def item_moves(old: Sequence[Item], new: Sequence[Item]) -> dict[int, int | None]:
    """Where each old item's credits go in the edited card: to the item of the same answer (case aside),
    else, when the item at the same place is a new one (a rename, a fixed typo), to it; else nowhere."""
    by_answer = {item.answer.casefold(): index for index, item in reversed(list(enumerate(new)))}
    kept = {item.answer.casefold() for item in old}
    moves: dict[int, int | None] = {}
    for index, item in enumerate(old):
        target = by_answer.get(item.answer.casefold())
        if target is None and index < len(new) and new[index].answer.casefold() not in kept:
            target = index
        moves[index] = target
    return moves


async def _move_credits(db: Conn, card_id: int, moves: dict[int, int | None]) -> None:
    """Rewrite the credited items of every answer to the card's posts after its items moved: one statement
    per distinct set of credits (a class's answers share few), not one per answer."""
    updates = []
    for row in await db.fetch(
        "SELECT DISTINCT a.matched FROM answers a JOIN posts p ON p.id = a.post_id WHERE p.card_id = ?",
        (card_id,),
    ):
        matched = [int(index) for index in json.loads(row["matched"])]
        moved = sorted({target for index in matched if (target := moves.get(index)) is not None})
        if moved != matched:
            # Marked first ("~[...]", which no credits list is), so a swap does not move credits twice.
            updates.append(("~" + json.dumps(moved), row["matched"], card_id))
    if updates:
        await db.executemany(
            "UPDATE answers SET matched = ? WHERE matched = ? "
            "AND post_id IN (SELECT id FROM posts WHERE card_id = ?)",
            updates,
        )
        await db.execute(
            "UPDATE answers SET matched = substr(matched, 2) WHERE matched LIKE '~%' "
            "AND post_id IN (SELECT id FROM posts WHERE card_id = ?)",
            (card_id,),
        )


def same_card(one: Card, other: Card) -> bool:
    """The same question and items (where the card stood in its file does not count)."""
    return (one.question, one.items) == (other.question, other.items)


def _card(rows: Sequence[Row]) -> Card:
    items = tuple(
        Item(answer=row["answer"], detail=row["detail"], aliases=tuple(json.loads(row["aliases"])))
        for row in rows
        if row["answer"] is not None
    )
    return Card(question=rows[0]["question"], items=items, line=rows[0]["line"])


def _stored_deck(
    head: Row, rows: Iterable[Row], taught: Mapping[int, Sequence[tuple[str, str]]]
) -> StoredDeck:
    grouped: dict[int, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["card_id"], []).append(row)
    deck = Deck(
        title=head["title"],
        cards=tuple(
            with_taught(_card(card_rows), taught.get(card_id, ())) for card_id, card_rows in grouped.items()
        ),
        language=head["language"],
        source=head["source"],
    )
    return StoredDeck(
        id=head["id"], guild_id=head["guild_id"], name=head["name"], deck=deck, card_ids=tuple(grouped)
    )
