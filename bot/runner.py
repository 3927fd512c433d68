"""The Discord side of the runner: ``TutorBot`` (a ``commands.Bot``) and ``run_bot(settings)``.

The only module of ``bot/`` that imports discord (with ``cogs/``). ``TutorBot``:

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
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from .clock import Clock, utc_now
from .daily.rules import Shards
from .decks.library import bundled_deck_files
from .grading import set_semantic, warm_up
from .i18n import MESSAGES, t
from .invite import first_start_notice
from .services import Services
from .settings import Settings
from .store import Store, StoreError

log = logging.getLogger(__name__)


def discover_cogs() -> tuple[str, ...]:
    """Every module of ``cogs`` that defines ``setup(bot)``: one per feature, found rather than listed."""
    import importlib
    import pkgutil

    import cogs

    found = []
    for module in sorted(pkgutil.iter_modules(cogs.__path__), key=lambda m: m.name):
        name = f"cogs.{module.name}"
        if hasattr(importlib.import_module(name), "setup"):
            found.append(name)
    return tuple(found)


EXIT_OK, EXIT_ERROR, EXIT_CONFIG = 0, 1, 2

StoreFactory = Callable[[], AbstractAsyncContextManager[Any]]

#: The curated decks shipped with the project.
CURATED_DECKS = Path(__file__).resolve().parent.parent / "data" / "decks"
#: How often the scheduler loop looks for due posts and reveals (seconds): posts go out within this of
#: their time. Each pass is a few indexed queries per guild.
SCHEDULER_INTERVAL = 20.0


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


class CatalogueTranslator(app_commands.Translator):
    """Gives Discord the French names of command descriptions from the message catalogue.

    A description written ``locale_str("English text", key="daily.cmd.setup")`` is shown in French to
    French clients; command names stay as they are (they are the contract).
    """

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        if not key or key not in MESSAGES or locale is not discord.Locale.french:
            return None
        return t(key, "fr")


class TutorBot(commands.Bot):
    """The tutor bot. ``bot.store`` is the opened store (None before ``setup_hook`` and after ``close``)."""

    def __init__(
        self,
        *,
        extensions: Sequence[str] | None = None,
        open_store: StoreFactory | None = None,
        command_hash_path: str | os.PathLike[str] | None = None,
        message_content: bool = False,
        settings: Settings | None = None,
        clock: Clock | None = None,
        scheduler_interval: float = SCHEDULER_INTERVAL,
        curated_decks: Path | None = CURATED_DECKS,
        **options: Any,
    ) -> None:
        options.setdefault("intents", make_intents(message_content=message_content))
        options.setdefault("command_prefix", commands.when_mentioned)  # no prefix commands: no warning
        options.setdefault("help_command", None)
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())  # nothing pings by default
        super().__init__(**options)
        #: Clicks nothing will answer, noticed as they arrive (answered in ``on_interaction``).
        self._stray_clicks: set[int] = set()
        parsers = self._connection.parsers
        parse_interaction = parsers["INTERACTION_CREATE"]

        def notice_stray_clicks(data: Any) -> None:
            if isinstance(data, dict) and data.get("type") == 3 and unclaimed_click(self, data):
                self._stray_clicks.add(int(data["id"]))
            parse_interaction(data)

        parsers["INTERACTION_CREATE"] = notice_stray_clicks
        guard_parsers(parsers)
        self.settings = settings
        # None: every cog of the project (found when the bot is made, so cogs may import the runner).
        self.extension_names = discover_cogs() if extensions is None else tuple(extensions)
        self.store: Any = None
        #: The bot's notion of now (aware datetimes); the daily question's schedule follows it.
        self.clock: Clock = clock or utc_now
        self.scheduler_interval = scheduler_interval
        self.curated_decks = curated_decks
        #: Every feature's service, built on the store in ``setup_hook`` (None without a real store).
        self.services: Services | None = None
        #: Names of the bundled decks stored at start-up.
        self.bundled_decks: list[str] = []
        self.command_hash_path = Path(command_hash_path) if command_hash_path is not None else None
        #: Whether the last ``setup_hook`` synced the command tree (False: the definitions were unchanged).
        self.synced_commands = False
        self._open_store = open_store
        self._resources = contextlib.AsyncExitStack()
        self._warming: asyncio.Future[bool] | None = None
        shard_ids, shard_count = options.get("shard_ids"), options.get("shard_count")
        #: The shards whose guilds this process schedules (None: every guild it is in).
        self.scheduled_shards = (
            Shards(frozenset(shard_ids), shard_count) if shard_ids is not None and shard_count else None
        )
        #: Whether this process syncs the slash commands: the one running shard 0 (or the only one).
        self.syncs_commands = shard_ids is None or 0 in shard_ids

    async def setup_hook(self) -> None:
        from cogs.kit.errors import on_app_command_error

        if self._open_store is not None:
            self.store = await self._resources.enter_async_context(self._open_store())
        if isinstance(self.store, Store):  # runner tests use stand-ins that are not a database
            self.services = Services.build(
                self.store,
                self.clock,
                shards=self.scheduled_shards,
                grading_process=self.settings is not None and self.settings.grading_process,
            )
            self.services.daily.grader.start()  # the grading process loads its model while we connect
            extra = self.settings.decks_dir if self.settings is not None else None
            self.bundled_decks = await self.services.decks.load_bundled(
                bundled_deck_files(self.curated_decks, extra)
            )
        if self.settings is not None and self.settings.semantic:
            # The meaning model loads in about 2 s: in a thread, while the bot connects, rather than on the
            # event loop at the first answer that needs it. A missing model logs one warning; words only then.
            self._warming = asyncio.get_running_loop().run_in_executor(None, warm_up)
            if self.services is not None:  # the bundled decks' vectors: restored, or computed once and stored
                await self.services.decks.prepare_bundled()
        await self.tree.set_translator(CatalogueTranslator())
        self.tree.on_error = on_app_command_error  # type: ignore[method-assign]
        for name in self.extension_names:
            await self.load_extension(name)
        if self.syncs_commands:
            await self.sync_commands()
        else:
            log.info("slash commands are synced by the process running shard 0, not this one")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Every interaction, once: one listener for every feature, since discord.py runs each listener as a
        task of its own for every interaction of every member. The member's display name is remembered (the
        reveal and the leaderboards name them); a submitted form goes to the feature whose custom id it
        carries; a click or a form nothing will answer (an old one, someone else's, a forged one) is told
        so privately: discord.py drops it silently, and the member would see "This interaction failed"."""
        from cogs.kit.forms import route_form
        from cogs.kit.names import remember

        remember(self.services, interaction.guild_id, interaction.user)
        if interaction.type is discord.InteractionType.modal_submit:
            if await route_form(interaction):
                return
            stale = "common.error.stale_form"
        elif interaction.id in self._stray_clicks:
            self._stray_clicks.discard(interaction.id)
            stale = "common.error.stale_button"
        else:
            return
        from cogs.kit.access import language
        from cogs.kit.replies import send_private

        try:
            await send_private(interaction, t(stale, await language(interaction)))
        except discord.HTTPException as error:
            log.info("could not answer a stray click or form: %s", error)

    async def close(self) -> None:
        # discord.py leaves its "wait for the guilds, then dispatch ready" task running when closed before
        # ready, and it would then fire on_ready on a closed bot: cancel it (it swallows the cancellation).
        ready_task = getattr(self._connection, "_ready_task", None)
        if ready_task is not None and not ready_task.done():
            ready_task.cancel()
        try:
            if self.services is not None:
                await self.services.close()  # live quizzes keep their rounds while Discord is still there
            await super().close()
        finally:
            await self._resources.aclose()
            self.store = None
            self.services = None

    # ------------------------------------------------------------------------------------ command sync
    async def command_definitions(self) -> dict[str, Any]:
        """What a sync would send: the global payloads and each guild's, translated if a translator is set."""
        tree = self.tree
        guild_ids = sorted(
            {
                *tree._guild_commands,
                *(g for (_, g, _) in tree._context_menus if g is not None),
            }  # no public API
        )

        async def payloads(guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
            cmds = tree._get_all_commands(guild=guild)
            if tree.translator is not None:
                return [await c.get_translated_payload(tree, tree.translator) for c in cmds]
            return [c.to_dict(tree) for c in cmds]

        return {
            "global": await payloads(None),
            "guilds": {str(g): await payloads(discord.Object(g)) for g in guild_ids},
        }

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the command tree if its definitions changed since the last sync (or ``force``)."""
        definitions = await self.command_definitions()
        digest = hashlib.sha256(
            json.dumps(
                {"app": self.application_id, "api": discord.http.Route.BASE, **definitions},
                sort_keys=True,
                separators=(",", ":"),
                default=str,
            ).encode()
        ).hexdigest()
        previous = self._read_hash_file()
        self.synced_commands = False
        if not force and previous.get("hash") == digest:
            log.info("slash commands unchanged since the last sync: not syncing")
            return False
        guilds = set(definitions["guilds"])
        stale = {str(g) for g in previous.get("guilds", ())} - guilds  # guilds whose commands were removed
        try:
            await self.tree.sync()
            for gid in sorted(guilds | stale):
                await self.tree.sync(guild=discord.Object(int(gid)))
        except discord.HTTPException:
            log.exception("could not sync the slash commands; they will be synced at the next start")
            return False
        n = len(definitions["global"])
        log.info("synced %d global slash command(s) and %d guild set(s)", n, len(guilds | stale))
        self._write_hash_file({"hash": digest, "guilds": sorted(guilds)})
        self.synced_commands = True
        return True

    def _read_hash_file(self) -> dict[str, Any]:
        if self.command_hash_path is None:
            return {}
        try:
            data = json.loads(self.command_hash_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_hash_file(self, data: dict[str, Any]) -> None:
        path = self.command_hash_path
        if path is None:
            return
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning(
                "could not record the slash-command hash in %s (%s): the next start syncs again", path, exc
            )


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


class ShardedTutorBot(TutorBot, commands.AutoShardedBot):
    """The tutor bot on Discord's shards: ``shard_count`` in all, ``shard_ids`` in this process (None: all of
    them; neither: Discord's recommended count, from ``GET /gateway/bot``)."""


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
