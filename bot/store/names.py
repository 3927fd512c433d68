"""Members' display names as the bot last saw them, per guild (the bot asks Discord for no member list)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .base import Conn, StoreBase

#: A display name is at most 32 characters on Discord; a longer one is kept cut.
NAME_LIMIT = 100


class NameStore(StoreBase):
    """The Store's member-name methods."""

    async def save_member_names(self, names: Iterable[tuple[int, int, str]]) -> int:
        """Keep (guild, member, display name) rows, newest wins, in one transaction; returns how many."""
        now = self._now()
        rows = [(guild_id, member_id, name[:NAME_LIMIT], now) for guild_id, member_id, name in names]
        if not rows:
            return 0

        async def work(db: Conn) -> int:
            await db.executemany(
                "INSERT INTO member_names (guild_id, member_id, display_name, updated_at) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO UPDATE SET display_name = excluded.display_name, "
                "updated_at = excluded.updated_at",
                rows,
            )
            return len(rows)

        return await self._write(work)

    async def member_names(self, guild_id: int, member_ids: Iterable[int]) -> dict[int, str]:
        """The stored display names of these members of the guild (the unknown ones are left out)."""
        wanted = sorted(set(member_ids))
        if not wanted:
            return {}
        rows = await self._fetch(
            "SELECT member_id, display_name FROM member_names WHERE guild_id = ? "
            "AND member_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
            (guild_id, json.dumps(wanted)),
        )
        return {int(row[0]): str(row[1]) for row in rows}
