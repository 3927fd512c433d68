"""Posting and revealing the daily question: the scheduler's pass, /tutor post-now and /tutor reveal-now.

The loop is core; sending is the surface's. A :class:`Publisher` (the daily cog, on Discord) says whether
the bot can post in a channel and sends, edits and names; the :class:`DailyRunner` decides what to send
from the stored state (:meth:`bot.daily.service.DailyService.due_jobs`) and records what was sent. Ticks,
manual posts and manual reveals share one lock: two of them never act on the same guild at once.

Across processes (two running the same shard during a hand-over, or a restart racing a pass), the post's
lease decides who sends or reveals it (``DailyService.take_lease``: one UPDATE, one winner), and every
message goes with a nonce naming the post, so a post Discord accepted from a process killed before it
stored the message comes back as the same message instead of a second one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.content import Content, Markup
from bot.decks import Card
from bot.errors import ChannelRef, UserError
from bot.store import Post

from . import render
from .results import PostJob, ReminderJob, RevealJob, ThreadJob
from .rules import explain_failure, failure_code, post_nonce, reveal_nonce, thread_archive_minutes
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
        ping_role_id: int | None = None,
        nonce: str | None = None,
    ) -> Sent:
        """The post with its Answer button, mentioning ``ping_role_id`` (the only mention that may ping).
        Raises Refused. ``nonce``: a second send with the same one returns the first message (Discord's
        ``enforce_nonce``)."""
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
            for job in await self.service.due_jobs():
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
                prepared = await service.prepare_post(guild_id, slot)
            except DailyError:
                problem = failure_code(text="empty_deck")
        if problem is None and prepared is None:
            return None, None  # already posted by another pass
        if prepared is not None and not await service.take_lease(prepared.post.id):
            return None, None  # another process is sending it right now
        sent = None
        if problem is None and prepared is not None:
            try:
                sent = await publisher.send_question(
                    prepared.channel_id,
                    render.post(prepared, publisher.markup),
                    prepared.lang,
                    ping_role_id=prepared.ping_role_id,
                    nonce=post_nonce(prepared.post.id),
                )
            except Refused as refused:
                problem = failure_code(discord_code=refused.code, text=refused.text)
        if problem is not None or sent is None or prepared is None:
            problem = problem or "unknown"
            if prepared is not None:
                await service.release_lease(prepared.post.id)
            if slot is not None:  # a manual post's failure is told to the teacher at once instead
                await service.post_failed(guild_id, problem, due_since=slot)
            if report is not None:
                report.failed.append(guild_id)
            return None, problem
        post = await service.post_sent(prepared, sent.channel_id, sent.message_id)
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
        await service.thread_opened(post.id, thread_id)
        if report is not None and thread_id:
            report.threads.append(post.id)

    async def _remind(self, post: Post, *, report: TickReport | None = None) -> None:
        """The post's one reminder: sent with a nonce of the post (Discord posts nothing new for a second
        send of it soon after, a restart between sending and recording), then recorded; a refused one is not
        tried again (no reminder is better than one every pass)."""
        service, publisher = self.service, self._publisher()
        if post.channel_id is None or not publisher.present(post.guild_id):
            return
        reminder = await service.prepare_reminder(post)
        try:
            await publisher.send(
                post.channel_id, render.reminder(reminder, publisher.markup), nonce=f"remind:{post.id}"
            )
        except Refused as refused:
            log.warning(
                "guild %s: could not post the reminder of post %s: %s", post.guild_id, post.id, refused
            )
        await service.reminder_sent(post.id)
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
            await service.reveal_sent(post.id)
            return None, problem
        if problem is not None:
            await service.post_failed(post.guild_id, problem, due_since=post.closes_at)
            if report is not None:
                report.failed.append(post.guild_id)
            return None, problem
        assert post.channel_id is not None
        if not await service.take_lease(post.id):
            return None, None  # revealed, or being revealed by another process
        reveal = await service.prepare_reveal(post, early=early)
        names = await publisher.names(post.guild_id, reveal.top_member_ids)
        try:
            sent = await publisher.send(
                post.channel_id, render.reveal(reveal, names, publisher.markup), nonce=reveal_nonce(post.id)
            )
        except Refused as refused:
            await service.release_lease(post.id)
            problem = failure_code(discord_code=refused.code, text=refused.text)
            await service.post_failed(post.guild_id, problem, due_since=reveal.post.closes_at)
            if report is not None:
                report.failed.append(post.guild_id)
            return None, problem
        await service.reveal_sent(post.id)
        if report is not None:
            report.revealed.append(post.id)
        thread_id = await service.thread_of(post)
        if thread_id is not None:
            # After the reveal is recorded: a crash here costs the thread its copy, never a second reveal.
            try:
                await publisher.send_in_thread(
                    post.guild_id, thread_id, render.reveal(reveal, names, publisher.markup)
                )
            except Refused as refused:
                log.info("could not post the reveal of post %s in its thread: %s", post.id, refused)
        closed = render.closed_question(reveal, publisher.markup)
        if closed is not None and post.message_id is not None:
            try:
                await publisher.close_question(post.channel_id, post.message_id, closed)
            except Refused as refused:
                log.info("could not close the daily post %s: %s", post.message_id, refused)
        return sent, None

    async def post_now(self, guild_id: int) -> Posted:
        """/tutor post-now: reveal the open question, if any, then post the next one now.

        Raises UserError with what the teacher should be told.
        """
        service = self.service
        async with self.lock:
            settings = await service.require_settings(guild_id)
            channel = ChannelRef(settings.channel_id or 0)
            previous = await service.open_post(guild_id)
            if previous is not None:
                await self._reveal(previous, early=previous.closes_at > service.now())
            sent, problem = await self._post(guild_id, None)
            if problem is not None:
                raise _failed("tutor.post_now.failed", problem, channel)
            if sent is None:
                raise DailyError("tutor.post_now.already")
            post = await service.open_post(guild_id)
            assert post is not None
            return Posted(sent, post)

    async def reveal_now(self, guild_id: int) -> Sent:
        """/tutor reveal-now: close the open question and reveal it. Raises UserError."""
        service = self.service
        async with self.lock:
            settings = await service.require_settings(guild_id)
            post = await service.open_post(guild_id)
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
