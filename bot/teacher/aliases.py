"""The teacher closes the loop, without Discord: what the class typed that earned nothing on a posted
question, accepting such a phrase as an alias of an item (or removing it again) with every stored answer to
the card re-graded, and the notices owed to members whose grade went up.

Grading is the daily question's (:func:`bot.daily.rules.grade_answer`) against the card as the guild sees it:
the deck's items with the aliases the guild's teachers accepted. It runs in a thread, so the event loop keeps
serving the class. The store re-grades a card in one transaction (:mod:`bot.store.aliases`), so a crash
leaves every answer at its old grade or every one at its new grade, and applying the same alias twice
changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.cache import SharedReads
from bot.daily.rules import grade_answer
from bot.decks import Card
from bot.decks.library import DeckLibrary, Others
from bot.errors import UserError
from bot.store import (
    MAX_ALIAS_CHARS,
    NewGrade,
    Post,
    RegradeNotice,
    RegradeResult,
    Store,
    StoredReply,
    TaughtAlias,
    UnknownRecord,
)

from .phrases import Phrase, count_phrases, phrase_key, shown

log = logging.getLogger(__name__)

#: Seconds after an alias change before the card's answers are re-graded once more: answers graded meanwhile
#: against a card read before the change (in flight, or from a cache: the daily question's keeps a card for
#: 10 s, in this process or another) get the grade the alias gives them. Only answers whose grade differs
#: change, so nothing is re-graded twice.
CATCH_UP_AFTER = 12.0
#: Seconds this process trusts its list of the members with notices waiting (another process, on PostgreSQL,
#: may re-grade too); re-grading here refreshes it at once. Keeps the answer path free of an extra query.
NOTICES_FRESH_FOR = 10.0


@dataclass(frozen=True, slots=True)
class Loop:
    """A posted question as the teacher closes the loop on it: the card as the guild grades it, the phrases
    of the stored replies that earned nothing, and the aliases the guild's teachers accepted for the card."""

    post: Post
    card: Card | None  # None when the card was removed with its deck
    phrases: tuple[Phrase, ...]
    taught: tuple[TaughtAlias, ...]


@dataclass(frozen=True, slots=True)
class AliasChange:
    """What accepting (``added``) or removing an alias did."""

    alias: str
    item: str
    added: bool
    changed: bool  # False: it already was (or was not) there, and nothing was re-graded
    regraded: int
    raised: int  # answers whose grade went up
    lowered: int

    @classmethod
    def of(cls, alias: str, item: str, *, added: bool, result: RegradeResult) -> AliasChange:
        up = sum(1 for c in result.changes if c.new_score > c.old_score)
        return cls(alias, item, added, result.changed, result.regraded, up, len(result.changes) - up)


def _grade_all(
    card: Card, replies: Sequence[StoredReply], others: Others | None
) -> list[tuple[StoredReply, tuple[str, ...]]]:
    graded = []
    for reply in replies:
        grade = grade_answer(card, reply.reply, others)
        graded.append((reply, grade.unmatched))
    return graded


def _regrade_all(card: Card, replies: Sequence[StoredReply], others: Others | None) -> list[NewGrade]:
    grades = []
    for reply in replies:
        grade = grade_answer(card, reply.reply, others)
        grades.append(NewGrade(reply.answer_id, tuple(grade.matched), grade.score))
    return grades


def regrading(others: Others | None) -> Callable[[Card, Sequence[StoredReply]], Awaitable[list[NewGrade]]]:
    """How the store re-grades a card's stored replies (in a thread), against the deck's ``others`` cards as
    the daily question grades them."""

    async def regrade(card: Card, replies: Sequence[StoredReply]) -> list[NewGrade]:
        return await asyncio.to_thread(_regrade_all, card, replies, others)

    return regrade


class AliasService:
    def __init__(
        self, store: Store, decks: DeckLibrary, *, card_changed: Callable[[int], None] | None = None
    ) -> None:
        self.store = store
        self.decks = decks
        #: Told the id of a card whose aliases changed (the daily question's card cache).
        self.card_changed = card_changed
        self.catch_up_after = CATCH_UP_AFTER
        self._catch_ups: dict[tuple[int, int], asyncio.Task[None]] = {}
        # The members with notices waiting, per guild, and when this process read them.
        # Who has notices waiting, per guild: a class answering at once reads the list once.
        self._notified: SharedReads[int, set[int]] = SharedReads(NOTICES_FRESH_FOR)

    async def loop(self, post: Post) -> Loop:
        """The loop of a posted question (the post must be the teacher's guild's)."""
        if post.card_id is None:
            return Loop(post, None, (), ())
        stored = await self.store.get_card(post.card_id, guild_id=post.guild_id)
        if stored is None:
            return Loop(post, None, (), ())
        replies = await self.store.post_replies(post.id)
        others = await self.decks.others(stored.deck_id, post.card_id, post.guild_id)
        graded = await asyncio.to_thread(_grade_all, stored.card, replies, others)
        phrases = count_phrases(unmatched for _, unmatched in graded)
        taught = await self.store.taught_aliases(post.guild_id, card_id=post.card_id)
        return Loop(post, stored.card, phrases, tuple(taught))

    async def accept(self, post: Post, phrase: str, item: int, *, teacher_id: int) -> AliasChange:
        """Accept ``phrase`` as an alias of the card's ``item`` (its position) for the post's guild, and
        re-grade every stored answer to the card there. Raises UserError for a removed card or item."""
        card = await self._card(post)
        if not 0 <= item < len(card.items):
            raise UserError("teacher.alias.unknown_item")
        text = shown(phrase)
        key = phrase_key(text)
        if not key or len(text) > MAX_ALIAS_CHARS:
            raise UserError("teacher.alias.bad_phrase", user={"phrase": phrase[:100]})
        answer = card.items[item].answer
        assert post.card_id is not None  # _card
        try:
            result = await self.store.teach_alias(
                post.guild_id,
                post.card_id,
                answer,
                text,
                key=key,
                regrade=await self._regrading(post.guild_id, post.card_id),
                added_by=teacher_id,
            )
        except UnknownRecord:  # the deck was re-imported without that item meanwhile
            raise UserError("teacher.alias.unknown_item") from None
        self._changed(post)
        return AliasChange.of(text, answer, added=True, result=result)

    async def remove(self, post: Post, taught: TaughtAlias) -> AliasChange:
        """Remove an alias the guild's teachers accepted for the post's card, and re-grade its answers."""
        if post.card_id is None or taught.card_id != post.card_id or taught.guild_id != post.guild_id:
            raise UserError("teacher.alias.unknown_item")
        result = await self.store.remove_taught_alias(
            post.guild_id,
            post.card_id,
            taught.answer,
            key=taught.key,
            regrade=await self._regrading(post.guild_id, post.card_id),
        )
        self._changed(post)
        return AliasChange.of(taught.alias, taught.answer, added=False, result=result)

    async def deck_aliases(self, guild_id: int, deck_id: int) -> list[TaughtAlias]:
        """The aliases the guild's teachers accepted on a deck's current cards, in card order."""
        return await self.store.taught_aliases(guild_id, deck_id=deck_id)

    async def take_notices(self, guild_id: int, member_id: int) -> list[RegradeNotice]:
        """The member's answers re-graded upwards since they last used the bot, each handed out once."""
        members = await self._notified.get(guild_id, lambda: self.store.notified_members(guild_id))
        if member_id not in members:
            return []
        members.discard(member_id)
        return await self.store.take_regrade_notices(guild_id, member_id)

    async def _regrading(
        self, guild_id: int, card_id: int
    ) -> Callable[[Card, Sequence[StoredReply]], Awaitable[list[NewGrade]]]:
        stored = await self.store.get_card(card_id, guild_id=guild_id)
        return regrading(await self.decks.others(stored.deck_id if stored else None, card_id, guild_id))

    async def _card(self, post: Post) -> Card:
        stored = None
        if post.card_id is not None:
            stored = await self.store.get_card(post.card_id, guild_id=post.guild_id)
        if stored is None:
            raise UserError("teacher.alias.card_removed")
        return stored.card

    def _changed(self, post: Post) -> None:
        self._notified.forget(post.guild_id)
        if post.card_id is None:
            return
        if self.card_changed is not None:
            self.card_changed(post.card_id)
        key = (post.guild_id, post.card_id)
        if key not in self._catch_ups:  # one pending catch-up per card covers every change before it
            self._catch_ups[key] = asyncio.create_task(self._catch_up(*key))

    async def _catch_up(self, guild_id: int, card_id: int) -> None:
        key, me = (guild_id, card_id), asyncio.current_task()
        try:
            await asyncio.sleep(self.catch_up_after)
            if self._catch_ups.get(key) is me:
                del self._catch_ups[key]  # a change from now on needs a catch-up of its own
            result = await self.store.regrade_card(
                guild_id, card_id, regrade=await self._regrading(guild_id, card_id)
            )
            if result.changes:
                self._notified.forget(guild_id)
                log.info("guild %s card %s: %d answers caught up", guild_id, card_id, len(result.changes))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("guild %s card %s: the catch-up re-grading failed", guild_id, card_id)
        finally:
            if self._catch_ups.get(key) is me:
                del self._catch_ups[key]

    async def catch_up_now(self) -> None:
        """Run the pending catch-up re-gradings now instead of at their time (tests)."""
        pending = list(self._catch_ups)
        await self.close()
        for guild_id, card_id in pending:
            await self.store.regrade_card(guild_id, card_id, regrade=await self._regrading(guild_id, card_id))
        self._notified.forget()

    async def close(self) -> None:
        """Stop the pending catch-ups (the bot is stopping; what was re-graded stays)."""
        tasks = list(self._catch_ups.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._catch_ups.clear()
