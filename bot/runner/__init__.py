"""The Discord side of the runner: ``TutorBot`` (a ``commands.Bot``) and ``run_bot(settings)``.

The only package of ``bot/`` that imports discord (with ``cogs/``). ``TutorBot``:

- asks for the fewest intents that work: guilds only (slash commands, buttons and modals need nothing else);
  ``message_content=True`` adds guild messages and the privileged message-content intent, for graded replies;
- opens the store (an async context manager factory) before loading the extensions, and closes it last;
- stores the bundled decks (``data/decks/*.yaml`` and the ``TUTOR_DECKS`` folder) at every start, and builds
  every feature's service once (``bot.services``) on the store with the bot's clock (``TutorBot(clock=...)``,
  so tests drive time; the scheduler loop's period is ``scheduler_interval``);
- discovers the cogs by name (every module of ``cogs`` with a ``setup``), which reach the core only through
  ``bot.services``;
- syncs the slash commands only when their definitions changed since the last sync (a hash kept in a small
  JSON file next to the database), so restarts do not spend Discord's command-update rate limit.

``ShardedTutorBot`` is the same bot on discord.py's ``AutoShardedBot`` (``TUTOR_SHARD_COUNT`` and
``TUTOR_SHARD_IDS``): several processes, each on some of Discord's shards, share one PostgreSQL. Each process
posts and reveals only for its shards' guilds (``bot.daily.rules.Shards``), and only the process holding
shard 0 syncs the slash commands (they belong to the application, not to a shard).

``run_bot`` adds discord.py's logging set-up, SIGINT/SIGTERM handling (a clean close: cogs unloaded, gateway
closed, store closed) and turns configuration failures into one line on stderr and an exit code.

Modules: ``bot`` (the two bots), ``gateway`` (intents, endpoints, stray clicks, malformed events) and
``run`` (``run_bot``, and the one-off ``fetch_application_id``).
"""

from __future__ import annotations

from .bot import (
    CURATED_DECKS,
    SCHEDULER_INTERVAL,
    CatalogueTranslator,
    ShardedTutorBot,
    StoreFactory,
    TutorBot,
    discover_cogs,
)
from .gateway import apply_discord_endpoints, guard_parsers, make_intents, unclaimed_click
from .run import (
    DISCORD_CALL_TIMEOUT,
    EXIT_CONFIG,
    EXIT_ERROR,
    EXIT_OK,
    DiscordAccessError,
    fetch_application_id,
    make_bot,
    run_bot,
)

__all__ = [
    "CURATED_DECKS",
    "DISCORD_CALL_TIMEOUT",
    "EXIT_CONFIG",
    "EXIT_ERROR",
    "EXIT_OK",
    "SCHEDULER_INTERVAL",
    "CatalogueTranslator",
    "DiscordAccessError",
    "ShardedTutorBot",
    "StoreFactory",
    "TutorBot",
    "apply_discord_endpoints",
    "discover_cogs",
    "fetch_application_id",
    "guard_parsers",
    "make_bot",
    "make_intents",
    "run_bot",
    "unclaimed_click",
]
