"""Aliases a teacher accepted from what the class typed, the re-grading they cause, and the notices owed to
the members whose grade went up.

A taught alias belongs to a guild, a card and the key (``answer``) of one of its items: it is kept apart from
the deck's own aliases, so a teacher can list and remove it, and a re-import of the deck that keeps the card
(same question) and the item (same key) keeps it too. ``get_card`` and ``load_deck`` given a guild merge that
guild's taught aliases into the items they return (a bundled deck is shared: another guild's teaching never
changes this guild's grades).

Teaching or removing an alias re-grades every stored answer to the card in that guild in the same
transaction (one per card): the answers' credited items, score and points, the members' totals and deck
totals all move together, so a crash leaves every answer at its old grade or every one at its new grade.
The grading itself is the caller's (the store knows no grader): a coroutine given the card as the guild now
sees it and the stored replies.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.decks.model import Card, Item
from bot.rules import scoring

from .base import Conn, Row, StoreBase
from .base import at as _at
from .errors import InvalidValue, UnknownRecord

#: Longest alias a teacher may accept (characters).
MAX_ALIAS_CHARS = 200


@dataclass(frozen=True, slots=True)
class TaughtAlias:
    """An alias a teacher of ``guild_id`` accepted for the item keyed ``answer`` of ``card_id``."""

    guild_id: int
    card_id: int
    answer: str
    alias: str
    key: str  # the alias normalised by the caller: one alias per item and key
    added_by: int | None
    added_at: datetime


@dataclass(frozen=True, slots=True)
class StoredReply:
    """A stored daily answer as re-grading and the unmatched-phrases report read it."""

    answer_id: int
    post_id: int
    member_id: int
    reply: str
    matched: tuple[int, ...]
    score: float


@dataclass(frozen=True, slots=True)
class NewGrade:
    """What re-grading one stored answer gave."""

    answer_id: int
    matched: tuple[int, ...]
    score: float


@dataclass(frozen=True, slots=True)
class GradeChange:
    """A stored answer whose grade changed."""

    answer_id: int
    post_id: int
    member_id: int
    old_score: float
    new_score: float
    old_points: int
    new_points: int


@dataclass(frozen=True, slots=True)
class RegradeResult:
    """What teaching or removing an alias did. ``changed`` is False when the alias already was (or was not)
    there: then nothing was re-graded."""

    changed: bool
    regraded: int  # answers to the card re-graded
    changes: tuple[GradeChange, ...]  # those whose grade changed

    @property
    def raised(self) -> tuple[GradeChange, ...]:
        return tuple(change for change in self.changes if change.new_score > change.old_score)


@dataclass(frozen=True, slots=True)
class RegradeNotice:
    """A member's answer re-graded upwards, not told yet."""

    guild_id: int
    member_id: int
    post_id: int
    question: str | None  # None when the card was removed with its deck
    old_score: float
    new_score: float
    created_at: datetime


#: Re-grades the stored replies against the card as the guild now sees it (taught aliases merged in).
Regrader = Callable[[Card, Sequence[StoredReply]], Awaitable[Sequence[NewGrade]]]


def with_taught(card: Card, taught: Iterable[tuple[str, str]]) -> Card:
    """``card`` with the (answer, alias) pairs added to the aliases of the items of that key."""
    extra: dict[str, list[str]] = {}
    for answer, alias in taught:
        extra.setdefault(answer, []).append(alias)
    if not extra:
        return card
    items = tuple(
        replace(item, aliases=tuple(dict.fromkeys((*item.aliases, *extra[item.answer]))))
        if item.answer in extra
        else item
        for item in card.items
    )
    return replace(card, items=items)


class AliasStore(StoreBase):
    """The Store's taught-alias, re-grading and re-grade notice methods."""

    async def taught_aliases(
        self, guild_id: int, *, card_id: int | None = None, deck_id: int | None = None
    ) -> list[TaughtAlias]:
        """The aliases the guild's teachers accepted, of one card or of a deck's current cards (or all), in
        card order, oldest first."""
        rows = await self._fetch(
            f"{_TAUGHT} WHERE t.guild_id = :guild "
            "AND (CAST(:card AS BIGINT) IS NULL OR t.card_id = :card) "
            "AND (CAST(:deck AS BIGINT) IS NULL OR c.deck_id = :deck AND c.position IS NOT NULL) "
            # Only those whose item is still on the card (a re-import may have renamed it).
            "AND EXISTS (SELECT 1 FROM items i WHERE i.card_id = t.card_id AND i.answer = t.answer) "
            "ORDER BY c.position IS NULL, c.position, t.card_id, t.added_at, t.alias",
            {"guild": guild_id, "card": card_id, "deck": deck_id},
        )
        return [_taught(row) for row in rows]

    async def post_replies(self, post_id: int) -> list[StoredReply]:
        """The stored answers to one post, in the order they came."""
        rows = await self._fetch(f"{_REPLIES} WHERE a.post_id = ? ORDER BY a.id", (post_id,))
        return [_reply(row) for row in rows]

    async def teach_alias(
        self,
        guild_id: int,
        card_id: int,
        answer: str,
        alias: str,
        *,
        key: str,
        regrade: Regrader,
        added_by: int | None = None,
    ) -> RegradeResult:
        """Accept ``alias`` (normalised: ``key``) for the item keyed ``answer`` of the card, for the guild,
        and re-grade every stored answer to the card in the guild, in one transaction.

        Accepting an alias the item already has (same key) changes nothing and re-grades nothing. Raises
        UnknownRecord when the card has no item ``answer``, InvalidValue for an empty or overlong alias.
        """
        alias, key = alias.strip(), key.strip()
        if not alias or not key or len(alias) > MAX_ALIAS_CHARS:
            raise InvalidValue(f"an alias has 1 to {MAX_ALIAS_CHARS} characters, got {len(alias)}")
        now = self._now()

        async def change(db: Conn) -> bool:
            known = await db.fetch(
                "SELECT 1 FROM items WHERE card_id = ? AND answer = ? LIMIT 1", (card_id, answer)
            )
            if not list(known):
                raise UnknownRecord(f"card {card_id} has no item {answer!r}")
            inserted = await db.fetch(
                "INSERT INTO taught_aliases (guild_id, card_id, answer, alias, norm, added_by, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, card_id, answer, norm) DO NOTHING RETURNING card_id",
                (guild_id, card_id, answer, alias, key, added_by, now),
            )
            return bool(list(inserted))

        return await self._change_and_regrade(guild_id, card_id, change, regrade)

    async def remove_taught_alias(
        self, guild_id: int, card_id: int, answer: str, *, key: str, regrade: Regrader
    ) -> RegradeResult:
        """Remove a taught alias and re-grade the card's answers in the guild, in one transaction.

        Removing an alias that is not there changes nothing and re-grades nothing."""

        async def change(db: Conn) -> bool:
            deleted = await db.fetch(
                "DELETE FROM taught_aliases WHERE guild_id = ? AND card_id = ? AND answer = ? AND norm = ? "
                "RETURNING card_id",
                (guild_id, card_id, answer, key.strip()),
            )
            return bool(list(deleted))

        return await self._change_and_regrade(guild_id, card_id, change, regrade)

    async def regrade_card(self, guild_id: int, card_id: int, *, regrade: Regrader) -> RegradeResult:
        """Re-grade every stored answer to the card in the guild against the card as the guild sees it now,
        in one transaction; only the answers whose grade differs change (a catch-up after an alias change:
        answers graded meanwhile against a card read before it)."""

        async def unchanged(db: Conn) -> bool:
            return True

        return await self._change_and_regrade(guild_id, card_id, unchanged, regrade)

    async def _change_and_regrade(
        self, guild_id: int, card_id: int, change: Callable[[Conn], Awaitable[bool]], regrade: Regrader
    ) -> RegradeResult:
        now = self._now()

        async def work(db: Conn) -> RegradeResult:
            # No answer of this guild is recorded meanwhile by another process (PostgreSQL; on SQLite the
            # write transaction already keeps every other writer out): none escapes the re-grading.
            await db.lock_guilds([guild_id])
            if not await change(db):
                return RegradeResult(changed=False, regraded=0, changes=())
            card = await _guild_card(db, guild_id, card_id)
            rows = await db.fetch(
                f"{_REPLIES} JOIN posts p ON p.id = a.post_id WHERE p.card_id = ? AND a.guild_id = ? "
                "ORDER BY a.id",
                (card_id, guild_id),
            )
            replies = [_reply(row) for row in rows]
            points = {row["id"]: int(row["points"]) for row in rows}
            decks = {row["id"]: row["deck_id"] for row in rows}
            graded = {grade.answer_id: grade for grade in await regrade(card, replies)}
            changes: list[GradeChange] = []
            updates: list[tuple[str, float, int, int]] = []
            for reply in replies:
                new = graded.get(reply.answer_id)
                if new is None:
                    continue
                matched = tuple(sorted({int(index) for index in new.matched}))
                score = round(float(new.score), 6)
                if matched == reply.matched and abs(score - reply.score) < 1e-9:
                    continue
                new_points = scoring.points_for(score)
                updates.append((json.dumps(matched), score, new_points, reply.answer_id))
                changes.append(
                    GradeChange(
                        reply.answer_id,
                        reply.post_id,
                        reply.member_id,
                        reply.score,
                        score,
                        points[reply.answer_id],
                        new_points,
                    )
                )
            if not changes:
                return RegradeResult(changed=True, regraded=len(replies), changes=())
            await db.executemany(
                "UPDATE answers SET matched = ?, score = ?, points = ? WHERE id = ?", updates
            )
            members: dict[int, tuple[int, float]] = {}
            per_deck: dict[tuple[int, int], int] = {}
            for c in changes:
                points_delta, score_delta = members.get(c.member_id, (0, 0.0))
                members[c.member_id] = (
                    points_delta + c.new_points - c.old_points,
                    score_delta + c.new_score - c.old_score,
                )
                deck_id = decks[c.answer_id]
                if deck_id is not None:
                    key = (int(deck_id), c.member_id)
                    per_deck[key] = per_deck.get(key, 0) + c.new_points - c.old_points
            await db.executemany(
                "UPDATE member_totals SET points = points + ?, score_sum = score_sum + ? "
                "WHERE guild_id = ? AND member_id = ?",
                [(delta, score, guild_id, member) for member, (delta, score) in members.items()],
            )
            await db.executemany(
                "UPDATE deck_totals SET points = points + ? "
                "WHERE guild_id = ? AND deck_id = ? AND member_id = ?",
                [(delta, guild_id, deck, member) for (deck, member), delta in per_deck.items() if delta],
            )
            # A notice per answer re-graded since the member last heard: from the grade they last saw (kept
            # by the first notice) to the newest one; gone again when the grade is no longer higher.
            await db.executemany(
                "INSERT INTO regrade_notices "
                "(guild_id, member_id, post_id, old_score, new_score, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, member_id, post_id) "
                "DO UPDATE SET new_score = excluded.new_score, created_at = excluded.created_at",
                [(guild_id, c.member_id, c.post_id, c.old_score, c.new_score, now) for c in changes],
            )
            await db.execute(
                "DELETE FROM regrade_notices WHERE guild_id = ? AND new_score <= old_score + 0.000001",
                (guild_id,),
            )
            return RegradeResult(changed=True, regraded=len(replies), changes=tuple(changes))

        return await self._write(work)

    async def notified_members(self, guild_id: int) -> set[int]:
        """The guild's members with re-grade notices waiting."""
        rows = await self._fetch(
            "SELECT DISTINCT member_id FROM regrade_notices WHERE guild_id = ?", (guild_id,)
        )
        return {int(row[0]) for row in rows}

    async def take_regrade_notices(self, guild_id: int, member_id: int) -> list[RegradeNotice]:
        """The member's waiting notices, oldest post first, removed as they are handed out: each is told
        once, whoever asks at the same time."""

        async def work(db: Conn) -> list[RegradeNotice]:
            rows = list(
                await db.fetch(
                    "SELECT n.post_id, n.old_score, n.new_score, n.created_at, c.question, p.slot "
                    "FROM regrade_notices n LEFT JOIN posts p ON p.id = n.post_id "
                    "LEFT JOIN cards c ON c.id = p.card_id "
                    "WHERE n.guild_id = ? AND n.member_id = ? ORDER BY p.slot, n.post_id",
                    (guild_id, member_id),
                )
            )
            if not rows:
                return []
            taken = {
                int(row[0])
                for row in await db.fetch(
                    "DELETE FROM regrade_notices WHERE guild_id = ? AND member_id = ? RETURNING post_id",
                    (guild_id, member_id),
                )
            }
            return [
                RegradeNotice(
                    guild_id=guild_id,
                    member_id=member_id,
                    post_id=row["post_id"],
                    question=row["question"],
                    old_score=row["old_score"],
                    new_score=row["new_score"],
                    created_at=_at(row["created_at"]),
                )
                for row in rows
                if int(row["post_id"]) in taken
            ]

        return await self._write(work)


async def taught_of_card(db: Conn, guild_id: int | None, card_id: int) -> list[tuple[str, str]]:
    """The (answer, alias) pairs the guild's teachers taught for a card (none without a guild)."""
    if guild_id is None:
        return []
    rows = await db.fetch(
        "SELECT answer, alias FROM taught_aliases WHERE guild_id = ? AND card_id = ? "
        "ORDER BY added_at, alias",
        (guild_id, card_id),
    )
    return [(row[0], row[1]) for row in rows]


async def taught_of_deck(db: Conn, guild_id: int | None, deck_id: int) -> dict[int, list[tuple[str, str]]]:
    """The (answer, alias) pairs the guild's teachers taught for the cards of a deck, by card id."""
    if guild_id is None:
        return {}
    rows = await db.fetch(
        "SELECT t.card_id, t.answer, t.alias FROM taught_aliases t JOIN cards c ON c.id = t.card_id "
        "WHERE t.guild_id = ? AND c.deck_id = ? ORDER BY t.added_at, t.alias",
        (guild_id, deck_id),
    )
    taught: dict[int, list[tuple[str, str]]] = {}
    for card_id, answer, alias in rows:
        taught.setdefault(int(card_id), []).append((answer, alias))
    return taught


async def _guild_card(db: Conn, guild_id: int, card_id: int) -> Card:
    rows = list(
        await db.fetch(
            "SELECT c.question, c.line, i.answer, i.detail, i.aliases FROM cards c "
            "LEFT JOIN items i ON i.card_id = c.id WHERE c.id = ? ORDER BY i.position",
            (card_id,),
        )
    )
    if not rows:
        raise UnknownRecord(f"card {card_id} does not exist")
    items = tuple(
        Item(answer=row["answer"], detail=row["detail"], aliases=tuple(json.loads(row["aliases"])))
        for row in rows
        if row["answer"] is not None
    )
    card = Card(question=rows[0]["question"], items=items, line=rows[0]["line"])
    return with_taught(card, await taught_of_card(db, guild_id, card_id))


_TAUGHT = (
    "SELECT t.guild_id, t.card_id, t.answer, t.alias, t.norm, t.added_by, t.added_at "
    "FROM taught_aliases t JOIN cards c ON c.id = t.card_id"
)

_REPLIES = (
    "SELECT a.id, a.post_id, a.member_id, a.reply, a.matched, a.score, a.points, a.deck_id FROM answers a"
)


def _taught(row: Row) -> TaughtAlias:
    return TaughtAlias(
        guild_id=row["guild_id"],
        card_id=row["card_id"],
        answer=row["answer"],
        alias=row["alias"],
        key=row["norm"],
        added_by=row["added_by"],
        added_at=_at(row["added_at"]),
    )


def _reply(row: Row) -> StoredReply:
    return StoredReply(
        answer_id=row["id"],
        post_id=row["post_id"],
        member_id=row["member_id"],
        reply=row["reply"],
        matched=tuple(json.loads(row["matched"])),
        score=float(row["score"]),
    )
