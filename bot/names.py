"""Members' display names as the bot last saw them, for the reveal, the leaderboards and the export.

The bot asks for no member list (no privileged intent), so names are remembered from the interactions and
messages members send, per guild (a member's display name differs between servers), and kept in the store so
a restarted bot still knows them; the surface asks Discord for the few it has never seen. Names are values,
not markup: renderers show them through ``Markup.text`` (escaped, never pinging).

Remembering is cheap: a name already known costs nothing, and new or changed names are written together a
moment later (one transaction for a whole class answering at once), or when the bot stops. A member who
erased their data is forgotten at once, in memory and in what was waiting to be written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Iterable

from bot.errors import Outage
from bot.store import Store

log = logging.getLogger(__name__)

#: Display names kept in memory (a few thousand members answer in a big server).
NAMES_KEPT = 5000
#: Seconds between a new name and its write to the store (names arriving meanwhile share the write).
FLUSH_AFTER = 2.0


class NameBook:
    """Names in memory, per (guild, member); bounded, the least recently seen forgotten first."""

    def __init__(self, size: int = NAMES_KEPT) -> None:
        self.size = size
        self._names: OrderedDict[tuple[int, int], str] = OrderedDict()

    def remember(self, guild_id: int, member_id: int, name: str) -> bool:
        """Keep the name; True when it is new or changed."""
        key = (guild_id, member_id)
        changed = self._names.get(key) != name
        self._names[key] = name
        self._names.move_to_end(key)
        while len(self._names) > self.size:
            self._names.popitem(last=False)
        return changed

    def forget(self, guild_id: int, member_id: int) -> None:
        self._names.pop((guild_id, member_id), None)

    def forget_guild(self, guild_id: int) -> None:
        for key in [k for k in self._names if k[0] == guild_id]:
            del self._names[key]

    def get(self, guild_id: int, member_id: int) -> str | None:
        return self._names.get((guild_id, member_id))

    def known(self, guild_id: int, member_ids: Iterable[int]) -> dict[int, str]:
        return {m: self._names[(guild_id, m)] for m in member_ids if (guild_id, m) in self._names}


class MemberNames:
    """The names of members: in memory first, then in the store."""

    def __init__(
        self, store: Store | None, *, book: NameBook | None = None, flush_after: float = FLUSH_AFTER
    ):
        self.store = store
        self.book = book or NameBook()
        self.flush_after = flush_after
        self._pending: dict[tuple[int, int], str] = {}
        self._flushing: asyncio.Task[None] | None = None

    def remember(self, guild_id: int, member_id: int, name: str) -> None:
        """A name seen now (an interaction, a message); written to the store shortly if it is new."""
        if not name or not self.book.remember(guild_id, member_id, name):
            return
        self._pending[(guild_id, member_id)] = name
        if self.store is not None and self._flushing is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (a synchronous caller): written by the next flush
            self._flushing = loop.create_task(self._flush_later(), name="member names")

    async def _flush_later(self) -> None:
        try:
            await asyncio.sleep(self.flush_after)
        finally:
            self._flushing = None
        await self.flush()

    async def flush(self) -> None:
        """Write the names waiting to be written (a failure is logged; they are written with the next)."""
        if self.store is None or not self._pending:
            return
        pending, self._pending = self._pending, {}
        try:
            await self.store.save_member_names((g, m, name) for (g, m), name in pending.items())
        except Exception as error:
            if isinstance(error, Outage):
                # The database cannot record right now: the store logs that once; names wait for the next.
                log.info("member names kept for later: %s", error)
            else:
                log.exception(
                    "could not keep %d member names; they are tried again with the next", len(pending)
                )
            for key, name in pending.items():
                self._pending.setdefault(key, name)

    async def names(self, guild_id: int, member_ids: Iterable[int]) -> dict[int, str]:
        """The names known for these members of the guild: remembered, else stored."""
        wanted = list(dict.fromkeys(member_ids))
        found = self.book.known(guild_id, wanted)
        missing = [m for m in wanted if m not in found]
        if missing and self.store is not None:
            stored = await self.store.member_names(guild_id, missing)
            for member_id, name in stored.items():
                self.book.remember(guild_id, member_id, name)
            found.update(stored)
        return found

    def forget(self, guild_id: int, member_id: int) -> None:
        """A member erased their data (the store's rows go with the rest of it)."""
        self.book.forget(guild_id, member_id)
        self._pending.pop((guild_id, member_id), None)

    def forget_guild(self, guild_id: int) -> None:
        self.book.forget_guild(guild_id)
        for key in [k for k in self._pending if k[0] == guild_id]:
            del self._pending[key]

    async def close(self) -> None:
        """Write what is waiting, with the bot's stop."""
        task, self._flushing = self._flushing, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.flush()
