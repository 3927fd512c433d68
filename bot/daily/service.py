"""The daily question without Discord: set-up, status, answers. A post's life (what is due, sending it once,
the reveal) is :mod:`bot.daily.posts`, run by :mod:`bot.daily.scheduler`; what answers read on every call is
cached in :mod:`bot.daily.reads`.

``cogs/daily.py`` and ``cogs/tutor.py`` turn interactions into calls on :class:`DailyService` and its records
(:mod:`bot.daily.results`) into messages (:mod:`bot.daily.render`). Time: the service reads its injected
clock once per call. Decisions (what is due, retries, the answer window) are the rules of
:mod:`bot.daily.rules` and :mod:`bot.rules.scheduling` applied to what the store holds, so a restarted bot
(or a second scheduler pass) decides the same thing and posts nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.clock import Clock, checked_now
from bot.content import clean_text
from bot.decks import Card
from bot.decks.library import DeckLibrary
from bot.errors import Moment
from bot.grading import semantic_status
from bot.grading.pool import GradingPool
from bot.i18n import SUPPORTED_LANGUAGES, language_from_locale
from bot.rules.scheduling import (
    MAX_POST_ATTEMPTS,
    next_slot,
    retry_delay,
)
from bot.store import GuildSettings, Post, PostClosed, Store, UnknownRecord
from bot.store.errors import StoreUnavailable

from .posts import DailyPosts
from .reads import DailyReads
from .results import (
    AnswerOutcome,
    DailyError,
    SetupRequest,
    SetupResult,
    Status,
)
from .rules import (
    MAX_ANSWER_CHARS,
    Shards,
    is_ready,
    schedule_of,
)
from .setup import checked_setup

log = logging.getLogger(__name__)


class DailyService:
    """The daily question on top of the store, for one bot process.

    Methods raise :class:`DailyError` for what the user should be told; everything else is a bug or a
    store failure.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        decks: DeckLibrary | None = None,
        *,
        shards: Shards | None = None,
        grader: GradingPool | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        #: The deck library: the other cards of a deck, which grading by meaning calibrates against.
        self.decks = decks or DeckLibrary(store)
        #: Grades off the event loop, batching answers that arrive together.
        self.grader = grader or GradingPool()
        #: The guild settings, cards and open posts that answers read, cached (shared with the posts).
        self.reads = DailyReads(store)
        #: A post's life, for the scheduler: due jobs, claims, leases, send intents, reveals (of the guilds
        #: of ``shards``, this process's; None: every guild).
        self.posts = DailyPosts(store, clock, self.reads, shards)

    def now(self) -> datetime:
        return checked_now(self.clock)

    # ------------------------------------------------------------------------------------------ reads

    async def settings(self, guild_id: int, *, fresh: bool = False) -> GuildSettings | None:
        """The guild's set-up, cached briefly (answers read it for their language)."""
        return await self.reads.settings(guild_id, fresh=fresh)

    async def language(self, guild_id: int | None, locale: str | None) -> str:
        """The guild's chosen language, else the language of ``locale`` (its preferred locale)."""
        if guild_id is not None:
            try:
                settings = await self.settings(guild_id)
            except StoreUnavailable:  # the database cannot be read: the set-up last read, to say so in
                settings = self.reads.known(guild_id)
            if settings is not None and settings.language in SUPPORTED_LANGUAGES:
                return settings.language
        return language_from_locale(locale)

    async def card(self, card_id: int, guild_id: int | None = None) -> Card | None:
        """The card as the guild grades it: with the aliases its teachers accepted."""
        return await self.reads.card(card_id, guild_id)

    def forget_card(self, card_id: int) -> None:
        """Read the card (and its deck's other cards) again next time: a teacher edited it, or accepted or
        removed an alias."""
        self.reads.forget_card(card_id)
        self.decks.forget_others()

    # ------------------------------------------------------------------------------------------ set-up

    async def setup(self, request: SetupRequest) -> SetupResult:
        """Check every value and save the set-up, or raise :class:`UserErrors` listing every problem."""
        now = self.now()
        current = await self.store.get_guild(request.guild_id)
        deck = await self.store.find_deck(request.guild_id, request.deck)
        settings = checked_setup(request, current, deck)
        saved = self.reads.remember(await self.store.save_guild(settings))
        assert deck is not None  # checked_setup refuses an unknown deck
        return SetupResult(settings=saved, deck=deck, next_post=next_slot(schedule_of(saved), now))

    async def require_settings(self, guild_id: int) -> GuildSettings:
        """The guild's set-up read afresh; raises DailyError("common.error.not_set_up") before set-up."""
        return await self.reads.require_settings(guild_id)

    async def set_paused(self, guild_id: int, paused: bool) -> GuildSettings:
        await self.require_settings(guild_id)
        return self.reads.remember(await self.store.update_guild(guild_id, paused=paused))

    async def status(self, guild_id: int) -> Status:
        try:
            settings = await self.require_settings(guild_id)
            deck_id = settings.active_deck_id
            deck = await self.store.get_deck_info(deck_id) if deck_id else None
            open_post = await self.posts.open_post(guild_id)
            answers = (await self.store.post_stats(open_post.id, top=0)).participants if open_post else 0
            queued_id = await self.store.next_card(guild_id)
            queued = await self.card(queued_id, guild_id) if queued_id is not None else None
            outage = self.store.health()
        except StoreUnavailable as unreadable:  # not even readable (its server is down): the last set-up read
            known = self.reads.known(guild_id)
            if known is None or not is_ready(known):
                raise
            settings, deck, open_post, answers, queued = known, None, None, 0, None
            outage = unreadable.reason
        now = self.now()
        next_post = None if settings.paused else next_slot(schedule_of(settings), now)
        retry_at, gave_up = None, False
        if settings.failure_count and settings.last_failure_at is not None:
            if settings.failure_count >= MAX_POST_ATTEMPTS:
                gave_up = True
            else:
                retry_at = settings.last_failure_at + retry_delay(settings.failure_count)
        meaning = semantic_status()
        semantic = "off" if not meaning.enabled else "missing" if meaning.available is False else "on"
        shown = (settings, deck, now, next_post, open_post, answers, retry_at, gave_up, outage, semantic)
        return Status(*shown, queued_question=queued.question if queued is not None else None)

    # ------------------------------------------------------------------------------------------ answers

    async def answer(
        self,
        guild_id: int,
        member_id: int,
        reply: str,
        *,
        message_id: int | None = None,
        channel_id: int | None = None,
    ) -> AnswerOutcome:
        """Grade and record a member's answer to the guild's open question (or to the post ``message_id``,
        which must be in ``channel_id`` when given: a form names its post, and a forged one names another).

        One scored answer per member per question: a second attempt returns the first grade, unchanged.
        """
        now = self.now()
        if message_id is not None:
            post = await self.reads.post_of_message(guild_id, message_id, now)
            if not _belongs(post, guild_id, channel_id):
                raise DailyError("daily.error.unknown_post")
            assert post is not None
        else:
            post = await self.reads.open_post(guild_id, now)
            if post is None:
                raise await self._no_open_question(guild_id, now)
        card = await self.card(post.card_id, post.guild_id) if post.card_id is not None else None
        if card is None:
            raise DailyError("daily.error.closed")
        text = clean_text(reply).strip()[:MAX_ANSWER_CHARS]
        if not text:
            raise DailyError("daily.error.empty")
        if not post.is_open(now) or post.revealed_at is not None:
            earlier = await self.store.get_answer(post.id, member_id)
            if earlier is not None:
                return AnswerOutcome(post, card, None, earlier, closed=True)
            raise DailyError("daily.error.closed")
        others = await self.decks.others(post.deck_id, post.card_id or 0, post.guild_id)
        grade = await self.grader.grade(card.items, text, question=card.question, others=others)
        try:
            result = await self.store.record_answer(post.id, member_id, text, grade.matched, grade.score, now)
        except PostClosed:
            raise DailyError("daily.error.closed") from None
        except UnknownRecord:
            raise DailyError("daily.error.unknown_post") from None
        return AnswerOutcome(post, card, None if result.already_answered else grade, result)

    async def before_answer(
        self,
        guild_id: int,
        member_id: int,
        message_id: int,
        *,
        channel_id: int | None = None,
        post_id: int | None = None,
    ) -> AnswerOutcome | None:
        """Before opening the answer form on the post ``message_id``: the member's first grade if they
        already answered (a second attempt gets it without typing again), None if they may answer.

        The post must be of this guild (and, when given, in ``channel_id`` and the post ``post_id`` its
        button names). Raises DailyError when the post is closed or not a question of the day.
        """
        now = self.now()
        post = await self.reads.post_of_message(guild_id, message_id, now)
        if not _belongs(post, guild_id, channel_id) or post is None or post.card_id is None:
            raise DailyError("daily.error.unknown_post")
        if post_id is not None and post.id != post_id:
            raise DailyError("daily.error.unknown_post")
        earlier = await self.store.get_answer(post.id, member_id)
        closed = not post.is_open(now) or post.revealed_at is not None
        if earlier is not None:
            card = await self.card(post.card_id, post.guild_id)
            if card is not None:
                return AnswerOutcome(post, card, None, earlier, closed=closed)
        if closed:
            raise DailyError("daily.error.closed")
        return None

    async def open_form(
        self,
        guild_id: int,
        member_id: int,
        message_id: int,
        *,
        channel_id: int | None = None,
        post_id: int | None = None,
    ) -> AnswerOutcome | Card:
        """The Answer button on the post ``message_id``: the member's first grade if they already answered,
        else the card whose question the answer form shows. Raises DailyError like :meth:`before_answer`."""
        earlier = await self.before_answer(
            guild_id, member_id, message_id, channel_id=channel_id, post_id=post_id
        )
        if earlier is not None:
            return earlier
        post = await self.reads.post_of_message(guild_id, message_id, self.now())
        card = (
            await self.card(post.card_id, post.guild_id)
            if post is not None and post.card_id is not None
            else None
        )
        if card is None:
            raise DailyError("daily.error.unknown_post")
        return card

    async def _no_open_question(self, guild_id: int, now: datetime) -> DailyError:
        settings = await self.settings(guild_id)
        if settings is None or not is_ready(settings):
            return DailyError("common.error.not_set_up")
        if settings.paused:
            return DailyError("daily.error.no_open_paused")
        when = next_slot(schedule_of(settings), now)
        return DailyError("daily.error.no_open", when=Moment(when, "FR"))

    # ------------------------------------------------------------------------------------------ data

    async def export_csv(self, guild_id: int) -> str:
        return await self.store.export_scores_csv(guild_id)

    async def forget(self, guild_id: int, member_id: int) -> int:
        return await self.store.forget_member(guild_id, member_id)

    async def forget_guild(self, guild_id: int) -> int:
        """Everything about a guild the bot was removed from: its set-up, decks, posts and scores."""
        self.reads.forget_guild(guild_id)
        return await self.store.forget_guild(guild_id)


def _belongs(post: Post | None, guild_id: int, channel_id: int | None) -> bool:
    """Whether a post named by a form or a button is this guild's (and in this channel)."""
    if post is None or post.guild_id != guild_id:
        return False
    return channel_id is None or post.channel_id is None or post.channel_id == channel_id
