"""``run_bot(settings)``: discord.py's logging, SIGINT/SIGTERM for a clean close, configuration failures as
one line and an exit code; and the one-off call ``tutorbot invite`` makes to read the application's id."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

import discord

from ..grading import set_semantic
from ..invite import first_start_notice
from ..settings import Settings
from ..store import Store, StoreError
from .bot import ShardedTutorBot, StoreFactory, TutorBot
from .gateway import apply_discord_endpoints

log = logging.getLogger(__name__)


EXIT_OK, EXIT_ERROR, EXIT_CONFIG = 0, 1, 2


class DiscordAccessError(Exception):
    """What stopped a one-off call to Discord (``tutorbot invite``): one line for the terminal."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


#: How long ``tutorbot invite`` waits for Discord.
DISCORD_CALL_TIMEOUT = 20.0


async def fetch_application_id(settings: Settings, *, wait: float = DISCORD_CALL_TIMEOUT) -> int:
    """The bot's application id, read through its token (``GET /oauth2/applications/@me``).

    Honours ``DISCORD_API_BASE``. Raises ``DiscordAccessError``: no token or a refused token (exit code 2),
    Discord unreachable or failing (1).
    """
    if not settings.token:
        raise DiscordAccessError(
            "DISCORD_TOKEN is not set: put the bot's token in the environment or in .env "
            "(Developer Portal > your application > Bot > Reset Token)",
            EXIT_CONFIG,
        )
    apply_discord_endpoints(settings)
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        async with asyncio.timeout(wait):
            await http.static_login(settings.token)
            data = await http.application_info()
        return int(data["id"])
    except discord.LoginFailure:
        raise DiscordAccessError(
            "Discord rejected DISCORD_TOKEN (401 Unauthorized): copy it again from the Developer Portal",
            EXIT_CONFIG,
        ) from None
    except discord.HTTPException as exc:
        raise DiscordAccessError(
            f"Discord answered {exc.status} at {discord.http.Route.BASE}: try again later", EXIT_ERROR
        ) from None
    except (OSError, TimeoutError) as exc:  # aiohttp's connection errors, or no answer in time
        shown = str(exc) or f"no answer within {wait:g} s"
        raise DiscordAccessError(
            f"cannot reach Discord at {discord.http.Route.BASE}: {shown}", EXIT_ERROR
        ) from None
    finally:
        await http.close()


def make_bot(settings: Settings, **options: Any) -> TutorBot:
    """The bot ``settings`` ask for: sharded (TUTOR_SHARD_COUNT / TUTOR_SHARD_IDS) or one session."""
    if not settings.sharded:
        return TutorBot(settings=settings, **options)
    if settings.shard_count is not None:
        options.setdefault("shard_count", settings.shard_count)
        options.setdefault("shard_ids", list(settings.shard_ids) if settings.shard_ids is not None else None)
    return ShardedTutorBot(settings=settings, **options)


def _say(message: str) -> None:
    print(f"tutorbot: {message}", file=sys.stderr)


def _setup_logging(level: str) -> Callable[[], None]:
    """discord.py's logging set-up on the root logger; returns how to undo it."""
    root = logging.getLogger()
    old_level = root.level
    handler = logging.StreamHandler()
    discord.utils.setup_logging(handler=handler, level=logging.getLevelNamesMapping()[level], root=True)

    def restore() -> None:
        root.removeHandler(handler)
        root.setLevel(old_level)

    return restore


def _default_store(settings: Settings) -> StoreFactory:
    return lambda: Store.open(settings.db_target, pool=settings.db_pool)


async def run_bot(
    settings: Settings,
    *,
    open_store: StoreFactory | None = None,
    extensions: Sequence[str] | None = None,
    **bot_options: Any,
) -> int:
    """Run the bot until SIGINT/SIGTERM (exit code 0) or a fatal error.

    A missing or rejected token, or privileged intents not enabled in the Developer Portal, print one line on
    stderr and return 2; an unusable database or an unreachable server return 1. ``open_store`` defaults to
    the store at ``settings.db_target`` (a SQLite file or a PostgreSQL URL).
    """
    if not settings.token:
        _say("DISCORD_TOKEN is not set: put the bot's token in the environment or in .env")
        return EXIT_CONFIG
    restore_logging = _setup_logging(settings.log_level)
    apply_discord_endpoints(settings)
    set_semantic(settings.semantic)
    bot = make_bot(
        settings,
        extensions=extensions,
        open_store=open_store if open_store is not None else _default_store(settings),
        command_hash_path=settings.command_hash_path,
        message_content=settings.message_content,
        **bot_options,
    )
    if settings.sharded:
        count = settings.shard_count if settings.shard_count is not None else "auto"
        which = "all" if settings.shard_ids is None else ",".join(map(str, settings.shard_ids))
        log.info("running shards %s of %s", which, count)
        if settings.shard_ids is not None and settings.db_url is None:
            log.warning(
                "TUTOR_SHARD_IDS with the SQLite file %s: every process must run on this machine and share "
                "that file; set TUTOR_DB to a postgresql:// URL to spread them over machines",
                settings.db_path,
            )
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()

    def stop(sig: signal.Signals) -> None:
        log.info("%s received: closing the bot", sig.name)
        closing.add(loop.create_task(bot.close()))

    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            pass
    try:
        async with bot:
            await bot.login(settings.token)  # what bot.start does, with the invite link in between
            if bot.application_id is not None:
                notice = first_start_notice(settings.db_path, bot.application_id)
                if notice is not None:
                    print(notice, flush=True)
            await bot.connect()
    except discord.LoginFailure:
        _say("Discord rejected DISCORD_TOKEN (401 Unauthorized): copy it again from the Developer Portal")
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        _say(
            "Discord refused the message-content intent: enable it in the Developer Portal (Bot > Privileged "
            "Gateway Intents) or unset TUTOR_MESSAGE_CONTENT"
        )
        return EXIT_CONFIG
    except StoreError as exc:
        _say(f"cannot open the database {settings.db_shown}: {exc}")
        return EXIT_ERROR
    except OSError as exc:  # aiohttp's connection errors
        _say(f"cannot reach Discord at {discord.http.Route.BASE}: {exc}")
        return EXIT_ERROR
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        if closing:
            await asyncio.gather(*closing, return_exceptions=True)
        restore_logging()
    return EXIT_OK
