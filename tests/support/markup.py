"""A markup that shows what the core escaped and referenced, for tests of the core's renderers."""

from __future__ import annotations

from datetime import datetime

from bot.content import TimeStyle


class Mark:
    """User text in brackets, references as Discord writes them (``<#1>``, ``<@&2>``, ``<@3>``, ``<t:…>``)."""

    def text(self, value: str, limit: int = 1000) -> str:
        return f"[{value}]"

    def channel(self, channel_id: int) -> str:
        return f"<#{channel_id}>"

    def role(self, role_id: int) -> str:
        return f"<@&{role_id}>"

    def member(self, member_id: int) -> str:
        return f"<@{member_id}>"

    def time(self, moment: datetime, style: TimeStyle = "F") -> str:
        return f"<t:{int(moment.timestamp())}:{style}>"

    def message_url(self, guild_id: int, channel_id: int, message_id: int) -> str:
        return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


MARK = Mark()
