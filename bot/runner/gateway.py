"""What the runner tells discord.py and guards it against: the intents, the endpoints (a fake Discord in
tests), which clicks no view will take, and gateway events too malformed to parse."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import discord
import yarl

from ..settings import Settings

log = logging.getLogger(__name__)


# A tutor bot never joins voice: discord.py's warnings about missing voice libraries would only worry a
# teacher reading the log.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def make_intents(*, message_content: bool = False) -> discord.Intents:
    """Guilds only; with ``message_content``, also guild messages and their content (privileged)."""
    intents = discord.Intents.none()
    intents.guilds = True
    if message_content:
        intents.guild_messages = True
        intents.message_content = True
    return intents


def apply_discord_endpoints(settings: Settings) -> None:
    """Point discord.py at ``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL`` when they are set."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def unclaimed_click(client: discord.Client, data: dict[str, Any]) -> bool:
    """Whether no view and no dynamic item of discord.py's view store will take this click (a raw
    INTERACTION_CREATE of a component), by discord.py's own lookup: the views of the click's message, the
    persistent views, and the templates whose item is on the message. Decided when the event arrives,
    before any handler runs (a handled view may take itself out of the store as soon as it runs).
    discord.py has no public way to ask."""
    inner: dict[str, Any] = data.get("data") or {}
    custom_id = str(inner.get("custom_id", ""))
    key = (int(inner.get("component_type", 0) or 0), custom_id)
    store = client._connection._view_store  # no public API
    message: dict[str, Any] = data.get("message") or {}
    message_id = int(message["id"]) if str(message.get("id", "")).isdigit() else None
    if message_id is not None and key in store._views.get(message_id, {}):
        return False
    if key in store._views.get(None, {}):
        return False

    def custom_ids(components: list[Any]) -> Iterator[str]:
        for component in components:
            if isinstance(component, dict):
                if "custom_id" in component:
                    yield str(component["custom_id"])
                yield from custom_ids(list(component.get("components") or ()))

    on_message = custom_id in set(custom_ids(list(message.get("components") or ())))
    return not (on_message and any(p.fullmatch(custom_id) for p in store._dynamic_items))


def guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """Make every gateway event parser survive a malformed event: it is logged and dropped.

    discord.py parses events inside the websocket's reader, so one bad payload (an INTERACTION_CREATE
    without its token: a KeyError in the parser) would end ``Client.start`` and the whole process, every
    server with it. Nothing a single event carries is worth that.
    """

    def guarded(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
        def parse_or_drop(data: Any) -> None:
            try:
                parse(data)
            except Exception as error:
                log.warning(
                    "dropped a malformed %s event from the gateway (%s: %s)",
                    event,
                    type(error).__name__,
                    error,
                )

        return parse_or_drop

    for event, parse in list(parsers.items()):
        parsers[event] = guarded(event, parse)
