"""``TutorBot``: the store opened before the cogs load and closed last, the services built once, the cogs
discovered, the one ``on_interaction``, the slash commands synced only when they changed; and
``ShardedTutorBot``, the same bot on discord.py's shards."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ..clock import Clock, utc_now
from ..daily.rules import Shards
from ..decks.library import bundled_deck_files
from ..grading import warm_up
from ..i18n import MESSAGES, t
from ..services import Services
from ..settings import Settings
from ..store import Store
from .gateway import guard_parsers, make_intents, unclaimed_click

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


StoreFactory = Callable[[], AbstractAsyncContextManager[Any]]

#: The curated decks shipped with the project.
CURATED_DECKS = Path(__file__).resolve().parents[2] / "data" / "decks"
#: How often the scheduler loop looks for due posts and reveals (seconds): posts go out within this of
#: their time. Each pass is a few indexed queries per guild.
SCHEDULER_INTERVAL = 20.0


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
            self.services = Services.build(self.store, self.clock, shards=self.scheduled_shards)
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


class ShardedTutorBot(TutorBot, commands.AutoShardedBot):
    """The tutor bot on Discord's shards: ``shard_count`` in all, ``shard_ids`` in this process (None: all of
    them; neither: Discord's recommended count, from ``GET /gateway/bot``)."""
