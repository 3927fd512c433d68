"""Discord's markup, written in one place: timestamps, mentions, links, and user text made harmless."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cogs.kit.markup import DISCORD, safe, timestamp

KIRITIMATI = ZoneInfo("Pacific/Kiritimati")


def test_discord_timestamp() -> None:
    moment = datetime(2024, 5, 14, 12, tzinfo=UTC)
    assert timestamp(moment) == "<t:1715688000:F>"
    assert timestamp(moment, "R") == "<t:1715688000:R>"
    assert timestamp(moment.astimezone(KIRITIMATI), "t") == "<t:1715688000:t>"
    assert timestamp(moment + timedelta(milliseconds=999)) == "<t:1715688000:F>"
    with pytest.raises(ValueError, match="style"):
        timestamp(moment, "x")
    with pytest.raises(ValueError, match="timezone"):
        timestamp(datetime(2024, 5, 14, 12))  # noqa: DTZ001 - the point of the test


def test_references_are_discord_markup() -> None:
    assert DISCORD.channel(5) == "<#5>"
    assert DISCORD.role(6) == "<@&6>"
    assert DISCORD.member(7) == "<@7>"
    assert DISCORD.message_url(1, 2, 3) == "https://discord.com/channels/1/2/3"


def test_user_text_is_escaped_and_bounded() -> None:
    assert safe("**bold** @everyone <@123456789012345678>") == (
        "\\*\\*bold\\*\\* @\u200beveryone <@\u200b123456789012345678>"
    )
    assert len(safe("x" * 5000, 100)) == 100
    assert DISCORD.text("_a_") == "\\_a\\_"
