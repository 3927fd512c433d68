"""A daily post's life on the store, for the scheduler (:mod:`bot.daily.scheduler`): which jobs are due,
claiming a post and its card, the lease on each step, the intent recorded before each send, recording what
was sent (or found in the channel after a crash), failures and their backoff, the reveal, the thread and the
reminder.

Decided from stored state only, so a restarted bot (or a second process on the same shard) decides the
same thing and posts nothing twice. Time: the injected clock, read once per call.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.clock import Clock, checked_now
from bot.rules.scheduling import (
    MAX_POST_ATTEMPTS,
    EmptyDeckError,
    PostDue,
    RevealDue,
    choose_card,
    closes_at,
    due_actions,
    should_retry,
)
from bot.store import GuildSettings, LeaseStep, Post, SendIntent, Store

from .reads import DailyReads
from .results import (
    DailyError,
    Job,
    PostJob,
    PreparedPost,
    Reminder,
    ReminderJob,
    Reveal,
    RevealJob,
    ThreadJob,
)
from .rules import (
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

log = logging.getLogger(__name__)


class DailyPosts:
    """The posts of every guild this process schedules (``shards``: None for every guild)."""

    def __init__(self, store: Store, clock: Clock, reads: DailyReads, shards: Shards | None = None) -> None:
        self.store = store
        self.clock = clock
        self.reads = reads
        #: The shards of this process: it schedules only their guilds' posts and reveals (None: every guild).
        self.shards = shards

    def now(self) -> datetime:
        return checked_now(self.clock)

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
        settings = await self.reads.settings(post.guild_id)
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
        settings = await self.reads.require_settings(guild_id)
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
        card = await self.reads.card(post.card_id, post.guild_id) if post.card_id is not None else None
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
        self.reads.forget_settings(post.guild_id)
        self.reads.forget_open(post.guild_id)
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
        self.reads.forget_settings(guild_id)
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
            self.reads.forget_open(post.guild_id)
        stats = await self.store.post_stats(post.id, top=TOP_SCORERS)
        card = await self.reads.card(post.card_id, post.guild_id) if post.card_id is not None else None
        settings = await self.reads.settings(post.guild_id)
        lang = settings.language if settings is not None else "en"
        return Reveal(stats.post, card, stats, lang)

    async def reveal_sent(self, post_id: int) -> bool:
        """Mark the post revealed; False if it already was."""
        done = await self.store.mark_revealed(post_id, self.now())
        self.reads.forget_open()
        return done
