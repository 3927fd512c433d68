"""Discord's markup, the one place the bot writes it: mentions, channel links, timestamps, message URLs, and
user text made harmless.

The core renders neutral values through :class:`bot.content.Markup`; :data:`DISCORD` is Discord's. Inside an
embed a mention shows the member's name and, with ``AllowedMentions.none()`` on every send, pings no one.
"""

from __future__ import annotations

import functools
import math
from datetime import datetime

import discord

from bot.content import Markup, TimeStyle

TIMESTAMP_STYLES = frozenset("tTdDfFR")


def safe(text: str, limit: int = 1000) -> str:
    """User text made harmless to show: markdown and mentions escaped, bounded in length."""
    if len(text) <= _CACHED_UP_TO:
        return _safe_cached(text, limit)
    return _safe(text, limit)


def _safe(text: str, limit: int) -> str:
    text = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Short texts (a card's items and details, names, deck titles) are escaped once: every feedback of a class
#: answering the same card shows the same ones, and the escaping regexes were a third of the feedback's cost.
_CACHED_UP_TO = 300
_safe_cached = functools.lru_cache(maxsize=4096)(_safe)


def timestamp(moment: datetime, style: str = "F") -> str:
    """``<t:EPOCH:STYLE>``, which every reader sees in their own time zone (``R``: "in 3 hours")."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no timezone; pass an aware datetime (UTC inside the bot)")
    if style not in TIMESTAMP_STYLES:
        raise ValueError(f"Discord timestamp style must be one of {''.join(sorted(TIMESTAMP_STYLES))}")
    return f"<t:{math.floor(moment.timestamp())}:{style}>"


class DiscordMarkup:
    def text(self, value: str, limit: int = 1000) -> str:
        return safe(value, limit)

    def channel(self, channel_id: int) -> str:
        return f"<#{channel_id}>"

    def role(self, role_id: int) -> str:
        return f"<@&{role_id}>"

    def member(self, member_id: int) -> str:
        return f"<@{member_id}>"

    def time(self, moment: datetime, style: TimeStyle = "F") -> str:
        return timestamp(moment, style)

    def message_url(self, guild_id: int, channel_id: int, message_id: int) -> str:
        return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


DISCORD: Markup = DiscordMarkup()
