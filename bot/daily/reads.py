"""What the daily question reads on every answer, cached briefly and shared by the service and the posts:
a guild's set-up, a card as the guild grades it, the guild's open post.

Kept this long (seconds of real time): short enough that a re-imported deck or a changed setting shows up
at once for practical purposes; long enough that a class answering at the same minute reads each once
(:class:`bot.cache.SharedReads`). This process's own writes (a set-up saved, a post sent or revealed) put
or forget what they changed; the store still refuses an answer to a closed post.
"""

from __future__ import annotations

from datetime import datetime

from bot.cache import SharedReads
from bot.decks import Card
from bot.store import GuildSettings, Post, Store

from .results import DailyError
from .rules import is_ready

CACHE_SECONDS = 10.0


class DailyReads:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._cards: SharedReads[tuple[int | None, int], Card | None] = SharedReads(CACHE_SECONDS)
        self._settings: SharedReads[int, GuildSettings | None] = SharedReads(CACHE_SECONDS)
        self._known: dict[int, GuildSettings] = {}  # the last set-up read, for when none can be read
        self._open: SharedReads[int, Post | None] = SharedReads(CACHE_SECONDS)

    async def settings(self, guild_id: int, *, fresh: bool = False) -> GuildSettings | None:
        """The guild's set-up (``fresh``: read from the store now)."""
        if fresh:
            self._settings.forget(guild_id)

        async def read() -> GuildSettings | None:
            settings = await self.store.get_guild(guild_id)
            if settings is not None:
                self._known[guild_id] = settings
            return settings

        return await self._settings.get(guild_id, read)

    async def require_settings(self, guild_id: int) -> GuildSettings:
        """The guild's set-up read afresh; raises DailyError("common.error.not_set_up") before set-up."""
        settings = await self.settings(guild_id, fresh=True)
        if settings is None or not is_ready(settings):
            raise DailyError("common.error.not_set_up")
        return settings

    def remember(self, settings: GuildSettings) -> GuildSettings:
        """This process just saved the guild's set-up: what the next answer reads."""
        self._settings.put(settings.guild_id, settings)
        self._known[settings.guild_id] = settings
        return settings

    def known(self, guild_id: int) -> GuildSettings | None:
        """The set-up last read, for when the database cannot be read (to say so in the guild's language)."""
        return self._known.get(guild_id)

    async def card(self, card_id: int, guild_id: int | None = None) -> Card | None:
        """The card as the guild grades it: with the aliases its teachers accepted."""

        async def read() -> Card | None:
            stored = await self.store.get_card(card_id, guild_id=guild_id)
            return stored.card if stored is not None else None

        return await self._cards.get((guild_id, card_id), read)

    async def open_post(self, guild_id: int, now: datetime) -> Post | None:
        """The guild's post open for answers at ``now``, if any."""
        return await self._open.get(
            guild_id,
            lambda: self.store.open_post(guild_id, now),
            valid=lambda post: post is None or post.is_open(now),
        )

    async def post_of_message(self, guild_id: int, message_id: int, now: datetime) -> Post | None:
        """The post whose message is ``message_id`` (the Answer button and its form name it): usually the
        guild's open post, already read."""
        kept = self._open.peek(guild_id)
        if kept is not None and kept.value is not None:
            post = kept.value
            if post.message_id == message_id and post.is_open(now):
                return post
        return await self.store.post_for_message(message_id)

    def forget_card(self, card_id: int) -> None:
        self._cards.forget(where=lambda key: key[1] == card_id)

    def forget_settings(self, guild_id: int) -> None:
        self._settings.forget(guild_id)

    def forget_open(self, guild_id: int | None = None) -> None:
        """Read the open post again (of ``guild_id``; of every guild when None)."""
        self._open.forget(guild_id)

    def forget_guild(self, guild_id: int) -> None:
        self._settings.forget(guild_id)
        self._known.pop(guild_id, None)
        self._open.forget(guild_id)
