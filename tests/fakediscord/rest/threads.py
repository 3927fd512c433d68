"""REST: threads started from a message (``POST /channels/{id}/messages/{id}/threads``).

Discord's rules enforced here: the parent must be a text or announcement channel the bot can see, with
Create Public Threads (403 50013 otherwise); the message must be in it (404 10008); a message has at most one
thread (400 160004 "A thread has already been created for this message"); the thread takes the message's id;
``name`` 1–100 characters and ``auto_archive_duration`` one of 60, 1440, 4320, 10080 (400 50035). The thread
is a channel of type 11: sending in it needs Send Messages in Threads, on the parent's permissions. A
THREAD_CREATE (``newly_created``) goes to the bot.
"""

from __future__ import annotations

from typing import Any

from ..model import Channel, now_iso
from ..rules import CREATE_PUBLIC_THREADS, INTENT_GUILDS, VIEW_CHANNEL
from ..validate import ApiError, invalid
from .router import Request, RouteSpec

ROUTES: tuple[RouteSpec, ...] = (
    ("POST", "/channels/{channel_id}/messages/{message_id}/threads", "_start_thread", True),
)

ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
PUBLIC_THREAD = 11


def thread_payload(thread: Channel, owner_id: int, *, newly_created: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(thread.id),
        "guild_id": str(thread.guild_id),
        "parent_id": str(thread.parent_id),
        "owner_id": str(owner_id),
        "name": thread.name,
        "type": thread.type,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": thread.auto_archive_duration,
            "archive_timestamp": now_iso(),
            "locked": False,
            "create_timestamp": now_iso(),
        },
    }
    if newly_created:
        data["newly_created"] = True
    return data


class ThreadRoutes:
    """Threads the bot opens on a message."""

    async def _start_thread(self, req: Request) -> Any:
        ch = self._known_channel(req, need=VIEW_CHANNEL)  # type: ignore[attr-defined]
        if ch.type not in (0, 5):
            raise invalid("channel_id", "Threads can only be started in text or announcement channels.")
        if not self.bot_permissions(ch) & CREATE_PUBLIC_THREADS:  # type: ignore[attr-defined]
            raise ApiError(403, 50013, "Missing Permissions")
        msg = self._known_message(req, ch)  # type: ignore[attr-defined]
        if msg.id in self.channels:  # type: ignore[attr-defined]
            raise ApiError(400, 160004, "A thread has already been created for this message")
        body = req.json or {}
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            raise invalid("name", "Must be between 1 and 100 in length.")
        duration = body.get("auto_archive_duration", 1440)
        if duration not in ARCHIVE_DURATIONS:
            raise invalid("auto_archive_duration", "Value must be one of {60, 1440, 4320, 10080}.")
        thread = Channel(msg.id, name, type=PUBLIC_THREAD, guild_id=ch.guild_id, parent_id=ch.id)
        thread.auto_archive_duration = int(duration)
        self.channels[thread.id] = thread  # type: ignore[attr-defined]
        bot_id = self.bot_user.id  # type: ignore[attr-defined]
        if self.connected:  # type: ignore[attr-defined]
            await self.dispatch(  # type: ignore[attr-defined]
                "THREAD_CREATE", thread_payload(thread, bot_id, newly_created=True), intent=INTENT_GUILDS
            )
        return thread_payload(thread, bot_id)
