"""Forgetting: everything about a member of a guild (/tutor forget-me), or about a guild (the bot removed)."""

from __future__ import annotations

from .base import Conn, StoreBase


class PrivacyStore(StoreBase):
    """The Store's forgetting methods."""

    async def forget_member(self, guild_id: int, member_id: int) -> int:
        """Delete everything stored about a member in a guild, in one transaction; returns rows deleted."""

        async def work(db: Conn) -> int:
            await db.lock_guilds([guild_id])  # no answer of theirs recorded meanwhile by another process
            deleted = 0
            for sql in _FORGET_MEMBER:
                deleted += await db.execute(sql, (guild_id, member_id))
            return deleted

        return await self._write(work)

    async def forget_guild(self, guild_id: int) -> int:
        """Delete everything about a guild (the bot was removed), its own decks included; bundled decks
        stay. One transaction; returns rows deleted."""

        async def work(db: Conn) -> int:
            await db.lock_guilds([guild_id])
            deleted = 0
            for sql in _FORGET_GUILD:
                deleted += await db.execute(sql, (guild_id,))
            return deleted

        return await self._write(work)


_FORGET_MEMBER = (
    "DELETE FROM answers WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM member_totals WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM deck_totals WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM reviews WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM practice_answers WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM practice_sessions WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM quiz_results WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM member_names WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM regrade_notices WHERE guild_id = ? AND member_id = ?",
    "DELETE FROM quiz_rounds WHERE guild_id = ? AND member_id = ?",
)

# Children before parents: answers before posts, the guild row (which points at its active deck) before the
# guild's decks; deleting a deck cascades to its cards, items and the reviews of those cards.
_FORGET_GUILD = (
    "DELETE FROM regrade_notices WHERE guild_id = ?",
    "DELETE FROM taught_aliases WHERE guild_id = ?",
    "DELETE FROM deck_vectors WHERE guild_id = ?",  # the vectors of its taught aliases
    "DELETE FROM answers WHERE guild_id = ?",
    "DELETE FROM send_intents WHERE guild_id = ?",
    "DELETE FROM member_totals WHERE guild_id = ?",
    "DELETE FROM deck_totals WHERE guild_id = ?",
    "DELETE FROM posts WHERE guild_id = ?",
    "DELETE FROM reviews WHERE guild_id = ?",
    "DELETE FROM practice_answers WHERE guild_id = ?",
    "DELETE FROM practice_sessions WHERE guild_id = ?",
    "DELETE FROM quiz_results WHERE guild_id = ?",
    "DELETE FROM member_names WHERE guild_id = ?",
    "DELETE FROM quiz_rounds WHERE guild_id = ?",
    "DELETE FROM guilds WHERE guild_id = ?",
    "DELETE FROM decks WHERE guild_id = ?",
)
