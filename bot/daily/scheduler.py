"""Posting and revealing the daily question: the scheduler's pass, /tutor post-now and /tutor reveal-now.

The loop is core; sending is the surface's. A :class:`Publisher` (the daily cog, on Discord) says whether
the bot can post in a channel and sends, edits and names; the :class:`DailyRunner` decides what to send
from the stored state (:meth:`bot.daily.service.DailyService.due_jobs`) and records what was sent. Ticks,
manual posts and manual reveals share one lock: two of them never act on the same guild at once.

Across processes (two running the same shard during a hand-over, or a restart racing a pass), the post's
lease decides who sends or reveals it (``DailyPosts.take_lease``: one UPDATE, one winner), and every
message goes with a nonce naming the post, so a post Discord accepted from a process killed before it
stored the message comes back as the same message instead of a second one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.content import Content, Markup
from bot.decks import Card
from bot.errors import ChannelRef, UserError
from bot.store import Post, SendIntent

from . import render
from .results import PostJob, ReminderJob, Reveal, RevealJob, ThreadJob
from .rules import explain_failure, failure_code, thread_archive_minutes
from .service import DailyError, DailyService

log = logging.getLogger(__name__)


class Refused(Exception):
    """The surface refused a send or an edit: ``code`` and ``text`` as the surface gives them."""

    def __init__(self, code: int | None, text: str) -> None:
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text


@dataclass(frozen=True, slots=True)
class Sent:
    channel_id: int
    message_id: int
    url: str
    #: When Discord created the message (a message found in the channel after a restart).
    at: datetime | None = None


#: A second /tutor post-now this soon after a first one is "already posted", not a reason to reveal.
REPOST_GRACE_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Mark:
    """How a message the bot may already have sent is recognised in its channel's recent history.

    ``nonce``: what it was sent with (Discord enforces it for a few minutes, and may echo it in history);
    ``post_id``: a post carries it in its Answer button's custom id; ``link``: a reveal's embed links to
    its post. Only the bot's own messages created after ``since`` are candidates.
    """

    kind: str  # "post" or "reveal"
    post_id: int
    nonce: str
    since: datetime
    link: str | None = None


class Publisher(Protocol):
    """Where the daily question is posted (the daily cog implements it on Discord)."""

    markup: Markup

    def present(self, guild_id: int) -> bool:
        """Whether this process can reach the guild now (not yet, after a restart: the post stays due)."""
        ...

    def channel_problem(self, guild_id: int, channel_id: int | None) -> str | None:
        """Why the bot cannot post in the channel (a failure code, see ``failure_code``), or None."""
        ...

    async def send_question(
        self,
        channel_id: int,
        content: Content,
        lang: str,
        *,
        post_id: int,
        nonce: str,
        ping_role_id: int | None = None,
    ) -> Sent:
        """The post with its Answer button (naming ``post_id``), sent with ``nonce`` enforced (a second send
        with it soon after returns the first message), mentioning ``ping_role_id`` (the only mention that may
        ping). Raises Refused."""
        ...

    async def send(self, channel_id: int, content: Content, *, nonce: str | None = None) -> Sent:
        """Raises Refused. With a ``nonce``, a second send of it soon after (a restart) posts nothing new."""
        ...

    async def open_thread(self, channel_id: int, message_id: int, name: str, archive_minutes: int) -> int:
        """A thread on the message; its id, also when the message has one already (opened before a
        restart). Raises Refused."""
        ...

    async def send_in_thread(self, guild_id: int, thread_id: int, content: Content) -> Sent:
        """Raises Refused."""
        ...

    async def find_sent(self, channel_id: int, mark: Mark) -> Sent | None:
        """The bot's message matching ``mark`` in the channel's recent history, or None. Raises Refused
        when the history cannot be read."""
        ...

    async def close_question(self, channel_id: int, message_id: int, content: Content) -> None:
        """The post as it reads once closed, without its button. Raises Refused."""
        ...

    async def names(self, guild_id: int, member_ids: tuple[int, ...]) -> Mapping[int, str]: ...


@dataclass
class TickReport:
    """What one scheduler pass did (for logs and tests)."""

    posted: list[int] = field(default_factory=list)  # post ids sent
    revealed: list[int] = field(default_factory=list)  # post ids revealed
    threads: list[int] = field(default_factory=list)  # post ids whose thread was opened
    reminded: list[int] = field(default_factory=list)  # post ids whose reminder was posted
    failed: list[int] = field(default_factory=list)  # guild ids whose post or reveal failed


@dataclass(frozen=True, slots=True)
class Posted:
    sent: Sent
    post: Post


class DailyRunner:
    """The daily question's actions on a publisher, for one bot process."""

    def __init__(self, service: DailyService) -> None:
        self.service = service
        self.publisher: Publisher | None = None
        self.lock = asyncio.Lock()
        #: Completed scheduler passes (tests wait on it).
        self.ticks = 0

    def _publisher(self) -> Publisher:
        if self.publisher is None:
            raise DailyError("common.error.not_set_up")
        return self.publisher

    async def tick(self) -> TickReport:
        """One scheduler pass: every due reveal, then every due post, decided from the stored state."""
        report = TickReport()
        if self.publisher is None:
            return report
        async with self.lock:
            await self._reconcile(None)
            for job in await self.service.posts.due_jobs():
                try:
                    if isinstance(job, RevealJob):
                        await self._reveal(job.post, early=job.early, report=report)
                    elif isinstance(job, PostJob):
                        await self._post(job.guild_id, job.slot, report=report)
                    elif isinstance(job, ThreadJob):
                        await self._open_thread(job.post, report=report)
                    elif isinstance(job, ReminderJob):
                        await self._remind(job.post, report=report)
                except Exception:
                    # One guild's problem must not hold up the others.
                    log.exception("scheduled job %r failed", job)
            self.ticks += 1
        return report

    async def _post(
        self, guild_id: int, slot: datetime | None, *, report: TickReport | None = None
    ) -> tuple[Sent | None, str | None]:
        """Post the guild's question for ``slot`` (None: a manual post). Returns (sent, failure)."""
        service, publisher = self.service, self._publisher()
        if not publisher.present(guild_id):
            return None, None  # not (yet) in this guild: the post stays due
        settings = await service.require_settings(guild_id)
        problem = publisher.channel_problem(guild_id, settings.channel_id)
        prepared = None
        if problem is None:
            try:
                prepared = await service.posts.prepare_post(guild_id, slot)
            except DailyError:
                problem = failure_code(text="empty_deck")
        if problem is None and prepared is None:
            return None, None  # already posted by another pass
        if prepared is not None and not await service.posts.take_lease(prepared.post.id, "send"):
            return None, None  # another process is sending it right now
        sent = None
        if problem is None and prepared is not None:
            content = render.post(prepared, publisher.markup)
            try:
                sent = await self._send_once(
                    prepared.post,
                    "post",
                    prepared.channel_id,
                    lambda nonce: publisher.send_question(
                        prepared.channel_id,
                        content,
                        prepared.lang,
                        post_id=prepared.post.id,
                        nonce=nonce,
                        ping_role_id=prepared.ping_role_id,
                    ),
                )
            except Refused as refused:
                problem = failure_code(discord_code=refused.code, text=refused.text)
        if problem is not None or sent is None or prepared is None:
            problem = problem or "unknown"
            if prepared is not None:
                await service.posts.release_lease(prepared.post.id)
            if slot is not None:  # a manual post's failure is told to the teacher at once instead
                await service.posts.post_failed(guild_id, problem, due_since=slot)
            if report is not None:
                report.failed.append(guild_id)
            return None, problem
        post = await service.posts.post_sent(prepared, sent.channel_id, sent.message_id, sent_at=sent.at)
        if report is not None:
            report.posted.append(post.id)
        log.info("guild %s: posted question %s (post %s)", guild_id, post.card_id, post.id)
        if prepared.open_thread:
            await self._open_thread(
                post, card=prepared.card, archive_minutes=prepared.thread_archive_minutes, report=report
            )
        return sent, None

    async def _open_thread(
        self,
        post: Post,
        *,
        card: Card | None = None,
        archive_minutes: int | None = None,
        report: TickReport | None = None,
    ) -> None:
        """The post's thread, once: recorded with the post, and found rather than opened again when it was
        opened just before a crash (the publisher returns the message's thread)."""
        service, publisher = self.service, self._publisher()
        if post.channel_id is None or post.message_id is None or not publisher.present(post.guild_id):
            return
        if card is None:
            card = await service.card(post.card_id) if post.card_id is not None else None
        settings = await service.settings(post.guild_id)
        if card is None or settings is None:
            return
        lang = settings.language
        minutes = archive_minutes or thread_archive_minutes(settings.answer_window_hours)
        try:
            thread_id = await publisher.open_thread(
                post.channel_id, post.message_id, render.thread_name(card, lang), minutes
            )
        except Refused as refused:
            # Not retried (a missing permission would fail every pass): the question stands without it.
            log.warning("guild %s: could not open the thread of post %s: %s", post.guild_id, post.id, refused)
            thread_id = 0
        await service.posts.thread_opened(post.id, thread_id)
        if report is not None and thread_id:
            report.threads.append(post.id)

    async def _remind(self, post: Post, *, report: TickReport | None = None) -> None:
        """The post's one reminder: sent with a nonce of the post (Discord posts nothing new for a second
        send of it soon after, a restart between sending and recording), then recorded; a refused one is not
        tried again (no reminder is better than one every pass)."""
        service, publisher = self.service, self._publisher()
        if post.channel_id is None or not publisher.present(post.guild_id):
            return
        reminder = await service.posts.prepare_reminder(post)
        try:
            await publisher.send(
                post.channel_id, render.reminder(reminder, publisher.markup), nonce=f"remind:{post.id}"
            )
        except Refused as refused:
            log.warning(
                "guild %s: could not post the reminder of post %s: %s", post.guild_id, post.id, refused
            )
        await service.posts.reminder_sent(post.id)
        if report is not None:
            report.reminded.append(post.id)

    async def _reveal(
        self, post: Post, *, early: bool = False, report: TickReport | None = None
    ) -> tuple[Sent | None, str | None]:
        """Reveal a post: the answer key and the class's results, then the post loses its button."""
        service, publisher = self.service, self._publisher()
        if not publisher.present(post.guild_id):
            return None, None
        problem = publisher.channel_problem(post.guild_id, post.channel_id)
        if problem == failure_code(text="channel_missing"):
            # The post's channel is gone: there is nowhere to reveal it. Counting this as a failure would
            # hold up the guild's next posts (in another channel) for a reveal that can never happen.
            log.warning(
                "guild %s: the channel of post %s is gone; its reveal is skipped", post.guild_id, post.id
            )
            await service.posts.reveal_sent(post.id)
            return None, problem
        if problem is not None:
            await service.posts.post_failed(post.guild_id, problem, due_since=post.closes_at)
            if report is not None:
                report.failed.append(post.guild_id)
            return None, problem
        assert post.channel_id is not None
        if not await service.posts.take_lease(post.id, "reveal"):
            return None, None  # revealed, or being revealed by another process
        reveal = await service.posts.prepare_reveal(post, early=early)
        names = await publisher.names(post.guild_id, reveal.top_member_ids)
        content = render.reveal(reveal, names, publisher.markup)
        channel_id = post.channel_id
        try:
            sent = await self._send_once(
                post, "reveal", channel_id, lambda nonce: publisher.send(channel_id, content, nonce=nonce)
            )
        except Refused as refused:
            await service.posts.release_lease(post.id)
            problem = failure_code(discord_code=refused.code, text=refused.text)
            await service.posts.post_failed(post.guild_id, problem, due_since=reveal.post.closes_at)
            if report is not None:
                report.failed.append(post.guild_id)
            return None, problem
        await service.posts.reveal_sent(post.id)
        if report is not None:
            report.revealed.append(post.id)
        thread_id = await service.posts.thread_of(post)
        if thread_id is not None:
            # After the reveal is recorded: a crash here costs the thread its copy, never a second reveal.
            try:
                await publisher.send_in_thread(post.guild_id, thread_id, content)
            except Refused as refused:
                log.info("could not post the reveal of post %s in its thread: %s", post.id, refused)
        await self._close_question(post, reveal)
        return sent, None

    async def _close_question(self, post: Post, reveal: Reveal) -> None:
        publisher = self._publisher()
        closed = render.closed_question(reveal, publisher.markup)
        if closed is not None and post.message_id is not None and post.channel_id is not None:
            try:
                await publisher.close_question(post.channel_id, post.message_id, closed)
            except Refused as refused:
                log.info("could not close the daily post %s: %s", post.message_id, refused)

    # ------------------------------------------------------------------ never doubled, never dead

    async def _send_once(
        self, post: Post, kind: str, channel_id: int, send: Callable[[str], Awaitable[Sent]]
    ) -> Sent:
        """Send a post or a reveal at most once: the intent is recorded first; an intent left by an earlier
        attempt (a crash, a failure) means it may be in the channel already, so it is looked for there and
        adopted before anything is sent again. The nonce is the same for every attempt, and Discord
        refuses a second message with it for a few minutes. Raises Refused (the intent stays: the next
        attempt looks first)."""
        intent = await self.service.posts.begin_send(post, kind, channel_id)
        if not intent.created:
            found = await self._look_for(intent, post)
            if found is not None:
                return found
        return await send(intent.nonce)

    async def _look_for(self, intent: SendIntent, post: Post) -> Sent | None:
        publisher = self._publisher()
        link = render.message_url(publisher.markup, post) if intent.kind == "reveal" else None
        mark = Mark(intent.kind, intent.post_id, intent.nonce, intent.started_at, link)
        try:
            return await publisher.find_sent(intent.channel_id, mark)
        except Refused as refused:
            # Without the history, the nonce still keeps Discord from taking the same message twice soon.
            log.warning(
                "guild %s: cannot read the channel's history to look for %s %s (%s); sending with its nonce",
                intent.guild_id,
                intent.kind,
                intent.post_id,
                refused,
            )
            return None

    async def _reconcile(self, guild_id: int | None) -> None:
        """After a crash: every post or reveal recorded as about to be sent is looked for in its channel.
        Found, it is adopted (recorded as sent, never sent again); not found, the intent is dropped and the
        ordinary schedule sends it (or, for a manual post, nothing does: done once or not at all)."""
        service, publisher = self.service, self._publisher()
        for intent in await service.posts.send_intents(guild_id):
            if not publisher.present(intent.guild_id):
                continue
            try:
                post = await service.posts.get_post(intent.post_id)
                if post is None:
                    continue
                found = await self._look_for(intent, post)
                if found is None:
                    await service.posts.drop_send(intent)
                    continue
                if intent.kind == "post":
                    if post.message_id is None:
                        await service.posts.adopt_post(
                            post, found.channel_id, found.message_id, found.at or post.claimed_at
                        )
                    else:
                        await service.posts.drop_send(intent)
                    continue
                log.info(
                    "guild %s: adopted the reveal of post %s found in the channel", post.guild_id, post.id
                )
                reveal = await service.posts.prepare_reveal(post)
                await service.posts.reveal_sent(post.id)
                await self._close_question(post, reveal)
            except Exception:
                log.exception("could not settle %s %s after a restart", intent.kind, intent.post_id)

    async def post_now(self, guild_id: int) -> Posted:
        """/tutor post-now: reveal the open question, if any, then post the next one now.

        Raises UserError with what the teacher should be told.
        """
        service = self.service
        async with self.lock:
            settings = await service.require_settings(guild_id)
            channel = ChannelRef(settings.channel_id or 0)
            await self._reconcile(guild_id)
            # Decided before revealing anything: a second post-now right after the first is "already".
            if await service.posts.just_posted(guild_id, REPOST_GRACE_SECONDS):
                raise DailyError("tutor.post_now.already")
            previous = await service.posts.open_post(guild_id)
            if previous is not None:
                await self._reveal(previous, early=previous.closes_at > service.now())
            sent, problem = await self._post(guild_id, None)
            if problem is not None:
                raise _failed("tutor.post_now.failed", problem, channel)
            if sent is None:
                raise DailyError("tutor.post_now.already")
            post = await service.posts.open_post(guild_id)
            assert post is not None
            return Posted(sent, post)

    async def reveal_now(self, guild_id: int) -> Sent:
        """/tutor reveal-now: close the open question and reveal it. Raises UserError."""
        service = self.service
        async with self.lock:
            settings = await service.require_settings(guild_id)
            await self._reconcile(guild_id)
            post = await service.posts.open_post(guild_id)
            if post is None:
                raise DailyError("tutor.reveal_now.none")
            sent, problem = await self._reveal(post, early=post.closes_at > service.now())
            if sent is None:
                raise _failed(
                    "tutor.reveal_now.failed",
                    problem,
                    ChannelRef(post.channel_id or settings.channel_id or 0),
                )
            return sent


def _failed(key: str, problem: str | None, channel: ChannelRef) -> UserError:
    return DailyError(key, reason=_Reason(problem, channel))


@dataclass(frozen=True, slots=True)
class _Reason:
    """Why a manual post or reveal failed, told with the channel as the surface writes it."""

    problem: str | None
    channel: ChannelRef

    def render(self, lang: str, markup: Markup) -> str:
        return explain_failure(self.problem, lang, channel=markup.channel(self.channel.id))
