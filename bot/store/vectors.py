"""The grading vectors of a deck, kept with the stored deck: a restarted bot restores them instead of
embedding the deck's items, aliases and details again.

One row per deck, scope and model. Scope ``guild_id = 0`` holds the deck's own texts; a guild's scope holds
only the texts its teachers' accepted aliases add (a bundled deck is shared: one copy of its own vectors, and
a small row per guild that taught it something). The model's name is part of the key, so vectors of another
model are never read; they are dropped when the deck's vectors are next written. ``digest`` names the texts
the blob was made for: the reader compares it with the deck's texts now and embeds again what changed. The
blob is the grader's (``bot.grading.semantic.embeddings_blob``); the store only keeps it.

Deleting a deck deletes its vectors (ON DELETE CASCADE); forgetting a guild deletes its scope (privacy.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .base import Conn, StoreBase
from .base import at as _at
from .errors import InvalidValue

#: The scope of a deck's own texts (a guild's scope is its id).
OWN_TEXTS = 0


@dataclass(frozen=True, slots=True)
class StoredVectors:
    """A deck's vectors as stored: for its own texts (``guild_id`` 0) or a guild's taught aliases."""

    deck_id: int
    guild_id: int
    model: str
    digest: str
    blob: bytes
    updated_at: datetime


class VectorStore(StoreBase):
    """The Store's methods for the grading vectors of decks."""

    async def deck_vectors(
        self, deck_id: int, model: str, *, guild_id: int | None = None
    ) -> StoredVectors | None:
        """The stored vectors of a deck's own texts made by ``model`` (given a guild: of the texts its
        teachers' accepted aliases add), or None."""
        row = await self._fetchrow(
            "SELECT deck_id, guild_id, model, digest, vectors, updated_at FROM deck_vectors "
            "WHERE deck_id = ? AND guild_id = ? AND model = ?",
            (deck_id, guild_id or OWN_TEXTS, model),
        )
        if row is None:
            return None
        return StoredVectors(
            deck_id=int(row["deck_id"]),
            guild_id=int(row["guild_id"]),
            model=row["model"],
            digest=row["digest"],
            blob=bytes(row["vectors"]),
            updated_at=_at(row["updated_at"]),
        )

    async def save_deck_vectors(
        self, deck_id: int, model: str, digest: str, blob: bytes, *, guild_id: int | None = None
    ) -> bool:
        """Keep the vectors of a deck's own texts (or, given a guild, of its taught aliases), replacing the
        ones stored for that scope, by any model, in one transaction. False when the deck is gone (removed
        meanwhile): nothing is stored then."""
        if not model or not digest or not blob:
            raise InvalidValue("deck vectors need a model, a digest and a non-empty blob")
        scope = guild_id or OWN_TEXTS

        async def work(db: Conn) -> bool:
            # Locks the deck's row: a removal waits for this write, or this one sees the deck gone.
            if not await db.execute("UPDATE decks SET updated_at = updated_at WHERE id = ?", (deck_id,)):
                return False
            await db.execute(
                "DELETE FROM deck_vectors WHERE deck_id = ? AND guild_id = ? AND model <> ?",
                (deck_id, scope, model),
            )
            await db.execute(
                "INSERT INTO deck_vectors (deck_id, guild_id, model, digest, vectors, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (deck_id, guild_id, model) DO UPDATE SET digest = excluded.digest, "
                "vectors = excluded.vectors, updated_at = excluded.updated_at",
                (deck_id, scope, model, digest, blob, self._now()),
            )
            return True

        return await self._write(work)
