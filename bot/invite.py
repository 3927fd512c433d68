"""The invite link: ``tutorbot invite``, and ``make run`` printing it once at the first start.

The link carries the bot's application id (read through the token by the runner: ``GET
/oauth2/applications/@me``), the scopes ``bot`` and ``applications.commands``, and exactly the permissions the
bot uses, as Discord's permission bits (https://discord.com/developers/docs/topics/permissions). No discord
import: the runner fetches the id, this module only writes the link and remembers that it was shown.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urlencode

AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
SCOPES = ("bot", "applications.commands")

#: What the bot needs in the class channel, by ``discord.Permissions`` name, with Discord's bit and why.
PERMISSIONS: dict[str, tuple[int, str]] = {
    "view_channel": (1 << 10, "see the class channel"),
    "send_messages": (1 << 11, "post the question, the reveal and the quiz"),
    "embed_links": (1 << 14, "posts and feedback are embeds"),
    "attach_files": (1 << 15, "charts of /stats and /rank, /tutor export and /deck export"),
    "read_message_history": (1 << 16, "find its own post again after a restart, and answer replies"),
    "add_reactions": (1 << 6, "mark a graded reply when the member's DMs are closed"),
    "create_public_threads": (1 << 35, "open a thread for each question (the setup's thread option)"),
    "send_messages_in_threads": (1 << 38, "post in that thread"),
}
#: Optional: deleting replies to the daily post when answers are private (``/tutor setup private_answers``).
MANAGE_MESSAGES = 1 << 13


def permission_bits(*, manage_messages: bool = False) -> int:
    """The permission integer of the invite link; with ``manage_messages``, Manage Messages too."""
    bits = 0
    for bit, _why in PERMISSIONS.values():
        bits |= bit
    return bits | (MANAGE_MESSAGES if manage_messages else 0)


def invite_url(application_id: int, *, manage_messages: bool = False) -> str:
    """The link that adds the bot (application ``application_id``) to a server with its commands."""
    query = {
        "client_id": str(application_id),
        "scope": " ".join(SCOPES),
        "permissions": str(permission_bits(manage_messages=manage_messages)),
    }
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


def marker_path(db_path: Path) -> Path:
    """The small file next to the database that says the link was shown at the first start."""
    return db_path.with_name(db_path.name + ".invite")


def first_start_notice(db_path: Path, application_id: int) -> str | None:
    """The invite link to print at the first start, once: None when it was shown before (the marker exists).

    The marker is written here; if it cannot be written the link is still shown (and will be next time).
    """
    marker = marker_path(db_path)
    if marker.exists():
        return None
    url = invite_url(application_id)
    with contextlib.suppress(OSError):
        marker.write_text(url + "\n", encoding="utf-8")
    return (
        "Invite the bot to your server with this link (shown once; `tutorbot invite` prints it again, "
        f"`--manage-messages` adds the optional Manage Messages):\n{url}"
    )
