"""Guild settings: a guild's set-up, and the bookkeeping of failed posts shown in /tutor status."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from .base import Conn, Row, StoreBase
from .dialect import is_foreign_key_violation
from .errors import InvalidValue, UnknownRecord
from .records import GuildSettings, from_epoch


class GuildStore(StoreBase):
    """The Store's guild methods."""

    async def get_guild(self, guild_id: int) -> GuildSettings | None:
        rows = await self._fetch("SELECT * FROM guilds WHERE guild_id = ?", (guild_id,))
        return _guild(rows[0]) if rows else None

    async def guilds(self) -> list[GuildSettings]:
        """Every configured guild (the scheduler rebuilds its plan from these at start-up)."""
        return [_guild(row) for row in await self._fetch("SELECT * FROM guilds ORDER BY guild_id")]

    async def save_guild(self, settings: GuildSettings) -> GuildSettings:
        """Create or replace a guild's set-up; the post-failure bookkeeping is left as it is."""
        settings.validate()
        now = self._now()
        # Booleans as 0/1: the columns are integers on both engines.
        values = {
            name: int(value) if isinstance(value, bool) else value
            for name in _GUILD_FIELDS
            for value in (getattr(settings, name),)
        }
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values)

        async def work(db: Conn) -> GuildSettings:
            await db.execute(
                f"INSERT INTO guilds (guild_id, {columns}, created_at, updated_at) "
                f"VALUES (:guild_id, {placeholders}, :now, :now) "
                f"ON CONFLICT (guild_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
                {**values, "guild_id": settings.guild_id, "now": now},
            )
            rows = await db.fetch("SELECT * FROM guilds WHERE guild_id = ?", (settings.guild_id,))
            return _guild(next(iter(rows)))

        try:
            return await self._write(work)
        except Exception as error:
            if not is_foreign_key_violation(error):
                raise
            raise UnknownRecord(
                f"deck {settings.active_deck_id} does not exist; pick one from list_decks()"
            ) from error

    async def update_guild(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some settings of a configured guild, e.g. ``update_guild(g, paused=True)``."""
        unknown = set(changes) - set(_GUILD_FIELDS)
        if unknown:
            raise InvalidValue(f"unknown guild settings {sorted(unknown)}; known: {', '.join(_GUILD_FIELDS)}")
        current = await self.get_guild(guild_id)
        if current is None:
            raise UnknownRecord(f"guild {guild_id} is not set up yet; run /tutor setup first")
        return await self.save_guild(replace(current, **changes))

    async def record_post_failure(self, guild_id: int, error: str) -> int:
        """Count one more failed post for the guild (shown in /tutor status); returns the new count."""
        now = self._now()

        async def work(db: Conn) -> int:
            rows = await db.fetch(
                "UPDATE guilds SET failure_count = failure_count + 1, last_error = ?, last_failure_at = ? "
                "WHERE guild_id = ? RETURNING failure_count",
                (error[:1000], now, guild_id),
            )
            found = list(rows)
            if not found:
                raise UnknownRecord(f"guild {guild_id} is not set up")
            return int(found[0][0])

        return await self._write(work)

    async def reset_post_failures(self, guild_id: int) -> None:
        """Forget past failures after a successful post."""

        async def work(db: Conn) -> None:
            await db.execute(
                "UPDATE guilds SET failure_count = 0, last_error = NULL, last_failure_at = NULL "
                "WHERE guild_id = ? AND failure_count != 0",
                (guild_id,),
            )

        await self._write(work)

    async def set_next_card(self, guild_id: int, card_id: int | None) -> None:
        """Queue ``card_id`` as the guild's next daily question (None: let the deck's order choose).

        It is posted once (claim_post clears it in the claim's transaction). UnknownRecord for a guild that
        is not set up or a card that does not exist.
        """

        async def work(db: Conn) -> None:
            if (
                card_id is not None
                and await db.fetchrow("SELECT id FROM cards WHERE id = ?", (card_id,)) is None
            ):
                raise UnknownRecord(f"card {card_id} does not exist")
            if not await db.execute(
                "UPDATE guilds SET next_card_id = ? WHERE guild_id = ?", (card_id, guild_id)
            ):
                raise UnknownRecord(f"guild {guild_id} is not set up yet; run /tutor setup first")

        await self._write(work)

    async def next_card(self, guild_id: int) -> int | None:
        """The card queued as the guild's next daily question, if any (see set_next_card)."""
        row = await self._fetchrow("SELECT next_card_id FROM guilds WHERE guild_id = ?", (guild_id,))
        return None if row is None or row["next_card_id"] is None else int(row["next_card_id"])


# The settings a caller may change with update_guild; failure bookkeeping has its own methods.
_GUILD_FIELDS = tuple(
    f.name
    for f in fields(GuildSettings)
    if f.name
    not in ("guild_id", "failure_count", "last_error", "last_failure_at", "created_at", "updated_at")
)


def _guild(row: Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        post_time=row["post_time"],
        timezone=row["timezone"],
        days_mask=row["days_mask"],
        active_deck_id=row["active_deck_id"],
        answer_window_hours=row["answer_window_hours"],
        language=row["language"],
        teacher_role_id=row["teacher_role_id"],
        private_answers=bool(row["private_answers"]),
        paused=bool(row["paused"]),
        ping_role_id=row["ping_role_id"],
        open_thread=bool(row["open_thread"]),
        reminder_hours=row["reminder_hours"],
        failure_count=row["failure_count"],
        last_error=row["last_error"],
        last_failure_at=from_epoch(row["last_failure_at"]),
        created_at=from_epoch(row["created_at"]),
        updated_at=from_epoch(row["updated_at"]),
    )
