"""The daily question without Discord: set-up, the post, answers, what the scheduler must do, and the reveal.

``cogs/daily.py`` and ``cogs/tutor.py`` turn interactions into calls on :class:`DailyService` and its records
(:mod:`bot.daily.results`) into messages (:mod:`bot.daily.render`). Time: the service reads its injected
clock once per call. Decisions (what is due, retries, the answer window) are the rules of
:mod:`bot.daily.rules` and :mod:`bot.rules.scheduling` applied to what the store holds, so a restarted bot
(or a second scheduler pass) decides the same thing and posts nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.cache import SharedReads
from bot.clock import Clock, checked_now
from bot.content import clean_text
from bot.decks import Card
from bot.decks.library import DeckLibrary
from bot.errors import Moment, UserError
from bot.grading import semantic_status
from bot.grading.pool import GradingPool
from bot.i18n import SUPPORTED_LANGUAGES, language_from_locale
from bot.rules.scheduling import (
    MAX_POST_ATTEMPTS,
    EmptyDeckError,
    PostDue,
    RevealDue,
    choose_card,
    closes_at,
    due_actions,
    next_slot,
    retry_delay,
    should_retry,
)
from bot.store import GuildSettings, LeaseStep, Post, PostClosed, SendIntent, Store, UnknownRecord
from bot.store.errors import StoreUnavailable

from .results import (
    AnswerOutcome,
    Job,
    PostJob,
    PreparedPost,
    Reminder,
    ReminderJob,
    Reveal,
    RevealJob,
    SetupRequest,
    SetupResult,
    Status,
    ThreadJob,
)
from .rules import (
    MAX_ANSWER_CHARS,
    POST_LEASE,
    TOP_SCORERS,
    Shards,
    failures_since,
    is_ready,
    reminder_due,
    schedule_of,
    setup_changed_at,
    thread_archive_minutes,
)
from .setup import checked_setup

log = logging.getLogger(__name__)

# Cards and guild settings read on every answer are cached this long (seconds of real time). Short enough
# that a re-imported deck or a changed setting shows up at once for practical purposes; long enough that a
# class answering at the same minute reads them once.
_CACHE_SECONDS = 10.0


class DailyError(UserError):
    """A refusal of the daily question (no open question, closed, not set up...)."""


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
        #: The shards of this process: it schedules only their guilds' posts and reveals (None: every guild).
        self.shards = shards
        #: Grades off the event loop, batching answers that arrive together.
        self.grader = grader or GradingPool()
        self._cards: SharedReads[tuple[int | None, int], Card | None] = SharedReads(_CACHE_SECONDS)
        self._settings: SharedReads[int, GuildSettings | None] = SharedReads(_CACHE_SECONDS)
        self._known: dict[int, GuildSettings] = {}  # the last set-up read, for when none can be read
        # The open post of each guild, as /answer reads it: a class answering at once reads it once. This
        # process's own posts and reveals refresh it; the store still refuses an answer to a closed post.
        self._open: SharedReads[int, Post | None] = SharedReads(_CACHE_SECONDS)

    def now(self) -> datetime:
        return checked_now(self.clock)

    # ------------------------------------------------------------------------------------------ reads

    async def settings(self, guild_id: int, *, fresh: bool = False) -> GuildSettings | None:
        """The guild's set-up, cached briefly (answers read it for their language)."""
        if fresh:
            self._settings.forget(guild_id)

        async def read() -> GuildSettings | None:
            settings = await self.store.get_guild(guild_id)
            if settings is not None:
                self._known[guild_id] = settings
            return settings

        return await self._settings.get(guild_id, read)

    def _remember(self, settings: GuildSettings) -> GuildSettings:
        self._settings.put(settings.guild_id, settings)
        self._known[settings.guild_id] = settings
        return settings

    async def language(self, guild_id: int | None, locale: str | None) -> str:
        """The guild's chosen language, else the language of ``locale`` (its preferred locale)."""
        if guild_id is not None:
            try:
                settings = await self.settings(guild_id)
            except StoreUnavailable:  # the database cannot be read: the set-up last read, to say so in
                settings = self._known.get(guild_id)
            if settings is not None and settings.language in SUPPORTED_LANGUAGES:
                return settings.language
        return language_from_locale(locale)

    async def card(self, card_id: int, guild_id: int | None = None) -> Card | None:
        """The card as the guild grades it: with the aliases its teachers accepted."""

        async def read() -> Card | None:
            stored = await self.store.get_card(card_id, guild_id=guild_id)
            return stored.card if stored is not None else None

        return await self._cards.get((guild_id, card_id), read)

    def forget_card(self, card_id: int) -> None:
        """Read the card (and its deck's other cards) again next time: a teacher edited it, or accepted or
        removed an alias."""
        self._cards.forget(where=lambda key: key[1] == card_id)
        self.decks.forget_others()

    # ------------------------------------------------------------------------------------------ set-up

    async def setup(self, request: SetupRequest) -> SetupResult:
        """Check every value and save the set-up, or raise :class:`UserErrors` listing every problem."""
        now = self.now()
        current = await self.store.get_guild(request.guild_id)
        deck = await self.store.find_deck(request.guild_id, request.deck)
        settings = checked_setup(request, current, deck)
        saved = self._remember(await self.store.save_guild(settings))
        assert deck is not None  # checked_setup refuses an unknown deck
        return SetupResult(settings=saved, deck=deck, next_post=next_slot(schedule_of(saved), now))

    async def require_settings(self, guild_id: int) -> GuildSettings:
        settings = await self.settings(guild_id, fresh=True)
        if settings is None or not is_ready(settings):
            raise DailyError("common.error.not_set_up")
        return settings

    async def set_paused(self, guild_id: int, paused: bool) -> GuildSettings:
        await self.require_settings(guild_id)
        return self._remember(await self.store.update_guild(guild_id, paused=paused))

    async def status(self, guild_id: int) -> Status:
        try:
            settings = await self.require_settings(guild_id)
            deck_id = settings.active_deck_id
            deck = await self.store.get_deck_info(deck_id) if deck_id else None
            last = await self.store.last_post(guild_id, sent_only=True)
            open_post = last if last is not None and last.revealed_at is None else None
            answers = (await self.store.post_stats(open_post.id, top=0)).participants if open_post else 0
            queued_id = await self.store.next_card(guild_id)
            queued = await self.card(queued_id, guild_id) if queued_id is not None else None
            outage = self.store.health()
        except StoreUnavailable as unreadable:  # not even readable (its server is down): the last set-up read
            if guild_id not in self._known or not is_ready(self._known[guild_id]):
                raise
            settings, deck, open_post, answers, queued = self._known[guild_id], None, None, 0, None
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

    # ------------------------------------------------------------------------------------------ scheduler

    async def due_jobs(self) -> list[Job]:
        """What the scheduler must do now, in order: reveals (oldest first), then posts.

        Decided from stored state only, so a restarted bot catches up exactly once: a reveal is due while
        the post is not marked revealed, a post while its slot is newer than the last sent post's. A process
        running some of the shards schedules only their guilds (the others are another process's).
        """
        now = self.now()
        shards = self.shards
        guilds = {
            g.guild_id: g for g in await self.store.guilds() if shards is None or shards.holds(g.guild_id)
        }
        jobs: list[Job] = []
        for post in await self.store.posts_to_reveal(now):
            if shards is not None and not shards.holds(post.guild_id):
                continue
            settings = guilds.get(post.guild_id)
            if settings is not None and not should_retry(
                failures_since(settings, post.closes_at), settings.last_failure_at, now
            ):
                continue  # failing: retried with the post's backoff, shown in /tutor status
            jobs.append(RevealJob(post))
        for settings in guilds.values():
            if not is_ready(settings):
                continue
            jobs.extend(await self._class_jobs(settings, now))
            schedule = schedule_of(settings)
            last = await self.store.last_post(settings.guild_id, sent_only=True)
            still_open = last is not None and last.revealed_at is None and last.closes_at > now
            actions = due_actions(
                schedule,
                now,
                last_post_slot=last.slot if last is not None else None,
                paused=settings.paused,
                created_at=setup_changed_at(settings, now),
                open_closes_at=last.closes_at if still_open and last is not None else None,
            )
            posts = [a for a in actions if isinstance(a, PostDue)]
            if not posts:
                continue
            due = posts[0]
            failures = failures_since(settings, due.slot)
            if not should_retry(failures, settings.last_failure_at if failures else None, now):
                continue
            for action in actions:
                if isinstance(action, RevealDue) and action.early and last is not None:
                    jobs.append(RevealJob(last, early=True))
            jobs.append(PostJob(settings.guild_id, due.slot))
        return jobs

    async def _class_jobs(self, settings: GuildSettings, now: datetime) -> list[Job]:
        """The open post's thread, if a restart came between sending it and opening its thread, and its
        one reminder when the deadline is near. Decided from the stored post: done once, also across a
        restart."""
        jobs: list[Job] = []
        if settings.open_thread:
            for post in await self.store.posts_needing_thread(settings.guild_id):
                if post.closes_at > now:  # a closed post gets its reveal, not a thread any more
                    jobs.append(ThreadJob(post))
        if settings.reminder_hours is not None:
            open_post = await self.open_post(settings.guild_id)
            if open_post is not None and reminder_due(settings, open_post, now):
                jobs.append(ReminderJob(open_post))
        return jobs

    async def thread_opened(self, post_id: int, thread_id: int) -> bool:
        """Record the thread of a post (0: it could not be opened, and is not tried again)."""
        return await self.store.set_post_thread(post_id, thread_id)

    async def thread_of(self, post: Post) -> int | None:
        """The thread to post the reveal in too, if the post has one."""
        stored = await self.store.get_post(post.id)
        return stored.thread_id if stored is not None and stored.thread_id else None

    async def prepare_reminder(self, post: Post) -> Reminder:
        stats = await self.store.post_stats(post.id, top=0)
        settings = await self.settings(post.guild_id)
        return Reminder(stats.post, stats.participants, settings.language if settings is not None else "en")

    async def reminder_sent(self, post_id: int) -> bool:
        """Mark the post reminded; False when it already was (nobody is reminded twice)."""
        return await self.store.mark_reminded(post_id, self.now())

    async def prepare_post(self, guild_id: int, slot: datetime | None = None) -> PreparedPost | None:
        """Claim the guild's post for ``slot`` (None: a manual post now) and return it ready to send.

        None when that slot was already posted (another pass got there first). A post claimed earlier but
        never sent (a failure, a crash) is sent with the card it was claimed with.
        """
        now = self.now()
        settings = await self.require_settings(guild_id)
        assert settings.active_deck_id is not None and settings.channel_id is not None
        schedule = schedule_of(settings)
        deck = await self.store.load_deck(settings.active_deck_id)
        if not deck.card_ids:
            raise DailyError(EmptyDeckError().key)
        posted = await self.store.cards_posted(guild_id, deck.id)
        queued = await self.store.next_card(guild_id)  # /tutor next; cleared by the claim that uses it
        card_id = choose_card(deck.card_ids, posted, seed=guild_id, queued=queued)
        deadline = closes_at(now, schedule)
        claim = await self.store.claim_post(
            guild_id, slot or now, card_id, closes_at=deadline, channel_id=settings.channel_id
        )
        post = claim.post
        if post.posted_at is not None:
            return None
        card = await self.card(post.card_id, post.guild_id) if post.card_id is not None else None
        if card is None:  # the claimed card was removed meanwhile: nothing sensible to send for it
            raise DailyError(EmptyDeckError().key)
        return PreparedPost(
            post,
            card,
            settings.channel_id,
            deadline,
            settings.language,
            ping_role_id=settings.ping_role_id,
            open_thread=settings.open_thread,
            thread_archive_minutes=thread_archive_minutes(settings.answer_window_hours),
        )

    async def take_lease(self, post_id: int, step: LeaseStep) -> bool:
        """Whether this process may send (or reveal) the post now: False while another one is at it, or
        once that step is done."""
        return await self.store.take_post_lease(post_id, POST_LEASE, step)

    async def release_lease(self, post_id: int) -> None:
        await self.store.release_post_lease(post_id)

    async def post_sent(
        self, prepared: PreparedPost, channel_id: int, message_id: int, *, sent_at: datetime | None = None
    ) -> Post:
        """Record the sent message; the answer window runs from now, as the post says (or, for a message
        found in the channel after a restart, from when it was sent, as that message says)."""
        post = await self._set_post_message(
            prepared.post, channel_id, message_id, sent_at, prepared.closes_at
        )
        return post

    async def adopt_post(self, post: Post, channel_id: int, message_id: int, sent_at: datetime) -> Post:
        """A post found in its channel after a crash (Discord had it, the store did not): record it."""
        log.info(
            "guild %s: adopted post %s found in the channel (message %s)", post.guild_id, post.id, message_id
        )
        return await self._set_post_message(post, channel_id, message_id, sent_at, None)

    async def _set_post_message(
        self,
        post: Post,
        channel_id: int,
        message_id: int,
        sent_at: datetime | None,
        deadline: datetime | None,
    ) -> Post:
        now = self.now()
        if sent_at is not None or deadline is None:
            settings = await self.store.get_guild(post.guild_id)
            start = min(sent_at or now, now)
            deadline = closes_at(start, schedule_of(settings)) if settings is not None else post.closes_at
        prepared_post = post
        post = await self.store.set_post_message(
            prepared_post.id, channel_id, message_id, sent_at or now, closes_at=deadline
        )
        await self.store.reset_post_failures(post.guild_id)
        self._settings.forget(post.guild_id)
        self._open.forget(post.guild_id)
        return post

    # What is about to be sent is recorded first (see bot.daily.scheduler): a nonce Discord enforces, short
    # enough for Discord (25 characters), the same for every attempt at the same message.

    async def begin_send(self, post: Post, kind: str, channel_id: int) -> SendIntent:
        return await self.store.begin_send(post.id, kind, channel_id, f"t{kind[0]}{post.id}")

    async def send_intents(self, guild_id: int | None = None) -> list[SendIntent]:
        return await self.store.send_intents(guild_id)

    async def drop_send(self, intent: SendIntent) -> None:
        await self.store.drop_send(intent.post_id, intent.kind)

    async def get_post(self, post_id: int) -> Post | None:
        return await self.store.get_post(post_id)

    async def just_posted(self, guild_id: int, within_seconds: float) -> bool:
        """Whether the guild's open question was posted less than ``within_seconds`` ago (a second
        /tutor post-now right after a first one must not reveal it)."""
        post = await self.open_post(guild_id)
        return (
            post is not None
            and post.posted_at is not None
            and (self.now() - post.posted_at).total_seconds() < within_seconds
        )

    async def post_failed(self, guild_id: int, error: str, *, due_since: datetime | None = None) -> int:
        """Count a failed post (or reveal) for /tutor status and the retry backoff; returns the count.

        Failures older than ``due_since`` belong to an earlier slot and are forgotten first.
        """
        settings = await self.store.get_guild(guild_id)
        if settings is None:
            return 0
        if due_since is not None and settings.failure_count and failures_since(settings, due_since) == 0:
            await self.store.reset_post_failures(guild_id)
        count = await self.store.record_post_failure(guild_id, error)
        self._settings.forget(guild_id)
        log.warning("guild %s: posting failed (%d/%d): %s", guild_id, count, MAX_POST_ATTEMPTS, error)
        return count

    async def open_post(self, guild_id: int) -> Post | None:
        """The guild's last sent post if not revealed yet (open, or closed and awaiting its reveal)."""
        last = await self.store.last_post(guild_id, sent_only=True)
        return last if last is not None and last.revealed_at is None else None

    async def prepare_reveal(self, post: Post, *, early: bool = False) -> Reveal:
        """The reveal of ``post``; ``early`` closes its window now first (reveal-now, or superseded)."""
        now = self.now()
        if early:
            post = await self.store.close_post(post.id, now)
            self._open.forget(post.guild_id)
        stats = await self.store.post_stats(post.id, top=TOP_SCORERS)
        card = await self.card(post.card_id, post.guild_id) if post.card_id is not None else None
        settings = await self.settings(post.guild_id)
        lang = settings.language if settings is not None else "en"
        return Reveal(stats.post, card, stats, lang)

    async def reveal_sent(self, post_id: int) -> bool:
        """Mark the post revealed; False if it already was."""
        done = await self.store.mark_revealed(post_id, self.now())
        self._open.forget()
        return done

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
            post = await self._post_of_message(guild_id, message_id, now)
            if not _belongs(post, guild_id, channel_id):
                raise DailyError("daily.error.unknown_post")
            assert post is not None
        else:
            post = await self._open_post(guild_id, now)
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
        post = await self._post_of_message(guild_id, message_id, now)
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
        post = await self._post_of_message(guild_id, message_id, self.now())
        card = (
            await self.card(post.card_id, post.guild_id)
            if post is not None and post.card_id is not None
            else None
        )
        if card is None:
            raise DailyError("daily.error.unknown_post")
        return card

    async def _open_post(self, guild_id: int, now: datetime) -> Post | None:
        return await self._open.get(
            guild_id,
            lambda: self.store.open_post(guild_id, now),
            valid=lambda post: post is None or post.is_open(now),
        )

    async def _post_of_message(self, guild_id: int, message_id: int, now: datetime) -> Post | None:
        # The Answer button and its form name the post's message: usually the guild's open post, cached.
        kept = self._open.peek(guild_id)
        if kept is not None and kept.value is not None:
            post = kept.value
            if post.message_id == message_id and post.is_open(now):
                return post
        return await self.store.post_for_message(message_id)

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
        self._settings.forget(guild_id)
        self._known.pop(guild_id, None)
        self._open.forget(guild_id)
        return await self.store.forget_guild(guild_id)


def _belongs(post: Post | None, guild_id: int, channel_id: int | None) -> bool:
    """Whether a post named by a form or a button is this guild's (and in this channel)."""
    if post is None or post.guild_id != guild_id:
        return False
    return channel_id is None or post.channel_id is None or post.channel_id == channel_id
