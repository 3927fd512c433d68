"""Daily posts: the claim of a guild's slot (one post per guild and slot), sending, closing, the reveal."""

from __future__ import annotations

from datetime import datetime, timedelta

from .base import Conn, Row, StoreBase
from .base import at as _at
from .errors import UnknownRecord
from .records import Claim, LeaseStep, Post, SendIntent, from_epoch, to_epoch


class PostStore(StoreBase):
    """The Store's daily-post methods."""

    async def claim_post(
        self,
        guild_id: int,
        slot: datetime,
        card_id: int,
        *,
        closes_at: datetime,
        channel_id: int | None = None,
    ) -> Claim:
        """Claim the guild's post for a scheduled slot, before sending it.

        Idempotent: when the slot is already claimed (a restart, a second loop), the existing post comes
        back with ``created=False`` and the given card is ignored. A post whose ``message_id`` is still None
        was claimed but never sent: send it and call set_post_message.
        """
        slot_at, closes, now = to_epoch(slot), to_epoch(closes_at), self._now()

        async def work(db: Conn) -> Claim:
            inserted = list(
                await db.fetch(
                    "INSERT INTO posts (guild_id, deck_id, card_id, channel_id, slot, claimed_at, closes_at) "
                    # Casts: in a SELECT list, PostgreSQL cannot tell a parameter's type from its column.
                    "SELECT CAST(? AS BIGINT), deck_id, id, CAST(? AS BIGINT), CAST(? AS BIGINT), "
                    "CAST(? AS BIGINT), CAST(? AS BIGINT) FROM cards WHERE id = ? "
                    f"ON CONFLICT (guild_id, slot) DO NOTHING RETURNING {_POST_COLUMNS}",
                    (guild_id, channel_id, slot_at, now, closes, card_id),
                )
            )
            if inserted:
                # A card queued with /tutor next is posted once: this post uses it up.
                await db.execute(
                    "UPDATE guilds SET next_card_id = NULL WHERE guild_id = ? AND next_card_id = ?",
                    (guild_id, card_id),
                )
                return Claim(_post(inserted[0]), created=True)
            existing = list(
                await db.fetch(
                    f"SELECT {_POST_COLUMNS} FROM posts WHERE guild_id = ? AND slot = ?", (guild_id, slot_at)
                )
            )
            if existing:
                return Claim(_post(existing[0]), created=False)
            raise UnknownRecord(f"card {card_id} does not exist; reload the deck before posting")

        return await self._write(work)

    async def set_post_message(
        self,
        post_id: int,
        channel_id: int,
        message_id: int,
        posted_at: datetime,
        *,
        closes_at: datetime | None = None,
    ) -> Post:
        """Record that the post was sent (and, when the window starts at sending time, when it closes)."""
        posted, closes = to_epoch(posted_at), None if closes_at is None else to_epoch(closes_at)

        async def work(db: Conn) -> Post:
            rows = list(
                await db.fetch(
                    f"UPDATE posts SET channel_id = ?, message_id = ?, posted_at = ?, lease_until = NULL, "
                    f"closes_at = coalesce(?, closes_at) WHERE id = ? RETURNING {_POST_COLUMNS}",
                    (channel_id, message_id, posted, closes, post_id),
                )
            )
            if not rows:
                raise UnknownRecord(f"post {post_id} does not exist")
            await db.execute("DELETE FROM send_intents WHERE post_id = ? AND kind = 'post'", (post_id,))
            return _post(rows[0])

        return await self._write(work)

    async def take_post_lease(self, post_id: int, lease: timedelta, step: LeaseStep) -> bool:
        """Take the lease on the post's ``step`` (``"send"`` it, or ``"reveal"`` it) for ``lease``; False
        when another holder's lease is still running, or that step is already done.

        One UPDATE: of processes racing for it, exactly one gets True. ``set_post_message`` and
        ``mark_revealed`` end the lease; ``release_post_lease`` ends it after a failure. The step is part
        of the condition because a process that read the post before another one sent it must not take
        the lease that sending just gave back, and send it a second time."""
        now = self._now()
        done = "posted_at IS NOT NULL" if step == "send" else "revealed_at IS NOT NULL"

        async def work(db: Conn) -> bool:
            rows = await db.fetch(
                "UPDATE posts SET lease_until = :until WHERE id = :post AND revealed_at IS NULL "
                f"AND NOT ({done}) AND (lease_until IS NULL OR lease_until <= :now) RETURNING id",
                {"until": now + int(lease.total_seconds()), "post": post_id, "now": now},
            )
            return bool(list(rows))

        return await self._write(work)

    async def release_post_lease(self, post_id: int) -> None:
        """End the post's lease (its step failed: the next pass may try again)."""

        async def work(db: Conn) -> None:
            await db.execute("UPDATE posts SET lease_until = NULL WHERE id = ?", (post_id,))

        await self._write(work)

    async def begin_send(self, post_id: int, kind: str, channel_id: int, nonce: str) -> SendIntent:
        """Record that the post (``kind="post"``) or its reveal is about to be sent in ``channel_id``.

        Idempotent: an intent recorded by an earlier attempt comes back with ``created=False`` (and its own
        nonce and time): that attempt may have been sent, so look for it before sending again.
        """
        now = self._now()

        async def work(db: Conn) -> SendIntent:
            inserted = list(
                await db.fetch(
                    "INSERT INTO send_intents (post_id, kind, guild_id, channel_id, nonce, started_at) "
                    "SELECT id, CAST(? AS TEXT), guild_id, CAST(? AS BIGINT), CAST(? AS TEXT), "
                    "CAST(? AS BIGINT) FROM posts WHERE id = ? "
                    f"ON CONFLICT (post_id, kind) DO NOTHING RETURNING {_INTENT_COLUMNS}",
                    (kind, channel_id, nonce, now, post_id),
                )
            )
            if inserted:
                return _intent(inserted[0])
            row = await db.fetchrow(
                f"SELECT {_INTENT_COLUMNS} FROM send_intents WHERE post_id = ? AND kind = ?", (post_id, kind)
            )
            if row is None:
                raise UnknownRecord(f"post {post_id} does not exist")
            return _intent(row, created=False)

        return await self._write(work)

    async def send_intents(self, guild_id: int | None = None) -> list[SendIntent]:
        """Posts and reveals recorded as about to be sent and not known to be sent (after a crash)."""
        rows = await self._fetch(
            f"SELECT {_INTENT_COLUMNS} FROM send_intents "
            "WHERE CAST(:guild AS BIGINT) IS NULL OR guild_id = :guild ORDER BY started_at",
            {"guild": guild_id},
        )
        return [_intent(row, created=False) for row in rows]

    async def drop_send(self, post_id: int, kind: str) -> None:
        """Forget an intent: the message was not sent (it is not in the channel), so it may be sent anew."""

        async def work(db: Conn) -> None:
            await db.execute("DELETE FROM send_intents WHERE post_id = ? AND kind = ?", (post_id, kind))

        await self._write(work)

    async def get_post(self, post_id: int) -> Post | None:
        rows = await self._fetch(f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?", (post_id,))
        return _post(rows[0]) if rows else None

    async def post_for_message(self, message_id: int) -> Post | None:
        """The post a Discord message is (for replies and the Answer button)."""
        rows = await self._fetch(f"SELECT {_POST_COLUMNS} FROM posts WHERE message_id = ?", (message_id,))
        return _post(rows[0]) if rows else None

    async def last_post(self, guild_id: int, *, sent_only: bool = False) -> Post | None:
        """The guild's post with the latest slot: sent or only claimed, or with ``sent_only`` the latest sent
        one (a claimed post whose sending failed leaves its slot due for a retry)."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE guild_id = ? AND (posted_at IS NOT NULL OR NOT ?) "
            "ORDER BY slot DESC LIMIT 1",
            (guild_id, sent_only),
        )
        return _post(rows[0]) if rows else None

    async def recent_posts(self, guild_id: int, limit: int = 10) -> list[Post]:
        """The guild's sent posts, newest first."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE guild_id = ? AND posted_at IS NOT NULL "
            "ORDER BY slot DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_post(row) for row in rows]

    async def open_posts(self, now: datetime, guild_id: int | None = None) -> list[Post]:
        """Posts sent and still taking answers, newest slot first (optionally of one guild)."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE closes_at > :now AND posted_at IS NOT NULL "
            "AND revealed_at IS NULL AND (CAST(:guild AS BIGINT) IS NULL OR guild_id = :guild) "
            "ORDER BY slot DESC",
            {"now": to_epoch(now), "guild": guild_id},
        )
        return [_post(row) for row in rows]

    async def open_post(self, guild_id: int, now: datetime) -> Post | None:
        """The guild's newest post still taking answers (what /answer answers)."""
        posts = await self.open_posts(now, guild_id)
        return posts[0] if posts else None

    async def pending_posts(self, now: datetime) -> list[Post]:
        """Posts claimed but never sent whose window has not closed yet: send them (after a crash)."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE closes_at > ? AND posted_at IS NULL ORDER BY slot",
            (to_epoch(now),),
        )
        return [_post(row) for row in rows]

    async def posts_to_reveal(self, now: datetime) -> list[Post]:
        """Posts sent whose window has closed and whose answer key is not revealed yet, oldest first."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE revealed_at IS NULL AND closes_at <= ? "
            "AND posted_at IS NOT NULL ORDER BY closes_at",
            (to_epoch(now),),
        )
        return [_post(row) for row in rows]

    async def close_post(self, post_id: int, at: datetime) -> Post:
        """Close a post's window now (reveal-now); a window already closed stays as it was."""

        async def work(db: Conn) -> Post:
            rows = list(
                await db.fetch(
                    "UPDATE posts SET closes_at = CASE WHEN closes_at <= :at THEN closes_at ELSE :at END "
                    f"WHERE id = :post RETURNING {_POST_COLUMNS}",
                    {"at": to_epoch(at), "post": post_id},
                )
            )
            if not rows:
                raise UnknownRecord(f"post {post_id} does not exist")
            return _post(rows[0])

        return await self._write(work)

    async def mark_revealed(self, post_id: int, at: datetime) -> bool:
        """Mark the answer key as revealed; False when it already was (so nobody reveals twice)."""
        revealed = to_epoch(at)

        async def work(db: Conn) -> bool:
            rows = await db.fetch(
                "UPDATE posts SET revealed_at = ?, lease_until = NULL WHERE id = ? AND revealed_at IS NULL "
                "RETURNING id",
                (revealed, post_id),
            )
            await db.execute("DELETE FROM send_intents WHERE post_id = ? AND kind = 'reveal'", (post_id,))
            return bool(list(rows))

        return await self._write(work)

    async def set_post_thread(self, post_id: int, thread_id: int) -> bool:
        """Record the thread opened on a post (0: none could be opened); False when one was recorded."""

        async def work(db: Conn) -> bool:
            rows = await db.fetch(
                "UPDATE posts SET thread_id = ? WHERE id = ? AND thread_id IS NULL RETURNING id",
                (thread_id, post_id),
            )
            return bool(list(rows))

        return await self._write(work)

    async def posts_needing_thread(self, guild_id: int) -> list[Post]:
        """The guild's sent posts, not revealed, whose thread is not recorded (a crash after sending)."""
        rows = await self._fetch(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE guild_id = ? AND posted_at IS NOT NULL "
            "AND revealed_at IS NULL AND thread_id IS NULL ORDER BY slot",
            (guild_id,),
        )
        return [_post(row) for row in rows]

    async def mark_reminded(self, post_id: int, at: datetime) -> bool:
        """Record that the post's reminder went out; False when it already had (so nobody reminds twice)."""

        async def work(db: Conn) -> bool:
            rows = await db.fetch(
                "UPDATE posts SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL RETURNING id",
                (to_epoch(at), post_id),
            )
            return bool(list(rows))

        return await self._write(work)

    async def unrevealed_cards(self, guild_id: int) -> set[int]:
        """Cards of the guild's daily posts not revealed yet (claimed, open, or closed awaiting the reveal):
        practice and quizzes must not show their answers before the reveal does."""
        rows = await self._fetch(
            "SELECT card_id FROM posts WHERE guild_id = ? AND revealed_at IS NULL AND card_id IS NOT NULL",
            (guild_id,),
        )
        return {int(row[0]) for row in rows}

    async def cards_posted(self, guild_id: int, deck_id: int) -> list[int]:
        """Card ids of the guild's posts from this deck, in slot order (claimed ones included)."""
        rows = await self._fetch(
            "SELECT card_id FROM posts WHERE guild_id = ? AND deck_id = ? AND card_id IS NOT NULL "
            "ORDER BY slot",
            (guild_id, deck_id),
        )
        return [int(row[0]) for row in rows]


_POST_COLUMNS = (
    "id, guild_id, deck_id, card_id, channel_id, message_id, slot, claimed_at, posted_at, closes_at, "
    "revealed_at, thread_id, reminded_at"
)


_INTENT_COLUMNS = "post_id, kind, guild_id, channel_id, nonce, started_at"


def _intent(row: Row, *, created: bool = True) -> SendIntent:
    return SendIntent(
        post_id=row["post_id"],
        kind=row["kind"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        nonce=row["nonce"],
        started_at=_at(row["started_at"]),
        created=created,
    )


def _post(row: Row) -> Post:
    return Post(
        id=row["id"],
        guild_id=row["guild_id"],
        deck_id=row["deck_id"],
        card_id=row["card_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        slot=_at(row["slot"]),
        claimed_at=_at(row["claimed_at"]),
        posted_at=from_epoch(row["posted_at"]),
        closes_at=_at(row["closes_at"]),
        revealed_at=from_epoch(row["revealed_at"]),
        thread_id=row["thread_id"],
        reminded_at=from_epoch(row["reminded_at"]),
    )
