"""The runner: settings (environment over .env), command sync only on change, clean shutdown, clear errors."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.daily.rules import Shards
from bot.runner import (
    ShardedTutorBot,
    TutorBot,
    apply_discord_endpoints,
    discover_cogs,
    make_bot,
    make_intents,
    run_bot,
)
from bot.settings import Settings, SettingsError, parse_dotenv
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import BotStarter, DiscordProblems

ROOT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------------------------------- settings


def test_dotenv_format():
    text = textwrap.dedent(
        """\
        # a comment
        DISCORD_TOKEN=abc.def  # trailing comment
        export TUTOR_DB = "data/my bot.db"
        TUTOR_LOG_LEVEL='debug # not a comment'
        ESCAPED="a\\tb\\n\\"c\\""
        EMPTY=
        URL=http://x/#anchor
        """
    )
    assert parse_dotenv(text) == {
        "DISCORD_TOKEN": "abc.def",
        "TUTOR_DB": "data/my bot.db",
        "TUTOR_LOG_LEVEL": "debug # not a comment",
        "ESCAPED": 'a\tb\n"c"',
        "EMPTY": "",
        "URL": "http://x/#anchor",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DISCORD_TOKEN secret-value", "line 1: expected KEY=VALUE"),
        ("OK=1\nDISCORD_TOKEN='secret-value", "line 2 (DISCORD_TOKEN): the quote is not closed"),
        ('A="x" y', "line 1 (A): unexpected text after the closing quote"),
        ("1BAD=x", "line 1: expected KEY=VALUE"),
    ],
)
def test_dotenv_errors_name_the_line_but_never_the_value(text: str, message: str):
    with pytest.raises(SettingsError) as err:
        parse_dotenv(text)
    assert message in str(err.value)
    assert "secret" not in str(err.value)


def test_settings_defaults_without_anything(tmp_path: Path):
    settings = Settings.from_env({}, dotenv_path=tmp_path / "missing.env")
    assert settings == Settings()
    assert settings.token is None
    assert settings.db_path == Path("tutorbot.db")  # in the working directory
    assert settings.command_hash_path == Path("tutorbot.db.commands.json")
    assert (settings.log_level, settings.message_content, settings.api_base) == ("INFO", False, None)


def test_environment_wins_over_dotenv(tmp_path: Path):
    dotenv = tmp_path / ".env"
    decks = tmp_path / "decks"
    decks.mkdir()
    dotenv.write_text(
        "DISCORD_TOKEN=from-file\nTUTOR_DB=file.db\nTUTOR_LOG_LEVEL=warning\n"
        f"TUTOR_DECKS={decks}\nDISCORD_API_BASE=http://127.0.0.1:3001/api/v9/\nTUTOR_MESSAGE_CONTENT=yes\n",
        encoding="utf-8",
    )
    environ = {"DISCORD_TOKEN": "Bot from-env", "TUTOR_DB": "", "DISCORD_GATEWAY_URL": "ws://127.0.0.1:3002"}
    settings = Settings.from_env(environ, dotenv_path=dotenv)
    assert settings.token == "from-env"  # the environment wins; a pasted "Bot " prefix is dropped
    assert settings.db_path == Path("file.db")  # an empty variable counts as unset
    assert settings.log_level == "WARNING"
    assert settings.decks_dir == decks
    assert settings.api_base == "http://127.0.0.1:3001/api/v9"
    assert settings.gateway_url == "ws://127.0.0.1:3002"
    assert settings.message_content is True
    assert settings.command_hash_path == Path("file.db.commands.json")


def test_answers_are_graded_in_a_process_of_their_own_unless_turned_off():
    assert Settings.from_env({}, dotenv_path=None).grading_process is True
    assert Settings.from_env({"TUTOR_GRADING_PROCESS": "0"}, dotenv_path=None).grading_process is False
    assert Settings.from_env({"TUTOR_GRADING_PROCESS": "yes"}, dotenv_path=None).grading_process is True


def test_a_postgresql_url_is_kept_whole_and_never_shown_with_its_password(tmp_path: Path):
    url = "postgresql://tutor:s3cret@db.example:5432/classes"
    settings = Settings.from_env({"TUTOR_DB": url, "TUTOR_DB_POOL": "12"}, dotenv_path=None)
    assert (settings.db_url, settings.db_target, settings.db_pool) == (url, url, 12)
    assert "s3cret" not in settings.db_shown and "db.example:5432/classes" in settings.db_shown
    assert settings.command_hash_path == Path("tutorbot.commands.json")  # no file to sit next to
    assert Settings.from_env({}, dotenv_path=None).db_target == "tutorbot.db"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TUTOR_DB_POOL": "many"}, "TUTOR_DB_POOL must be a whole number of connections"),
        ({"TUTOR_DB_POOL": "1"}, "TUTOR_DB_POOL must be between 2 and 100"),
        ({"TUTOR_LOG_LEVEL": "loud"}, "TUTOR_LOG_LEVEL must be one of"),
        ({"DISCORD_API_BASE": "discord.com/api"}, "DISCORD_API_BASE must be a http or https URL"),
        ({"DISCORD_GATEWAY_URL": "http://x"}, "DISCORD_GATEWAY_URL must be a ws or wss URL"),
        ({"TUTOR_MESSAGE_CONTENT": "maybe"}, "TUTOR_MESSAGE_CONTENT must be 1 or 0"),
        ({"TUTOR_GRADING_PROCESS": "maybe"}, "TUTOR_GRADING_PROCESS must be 1 or 0"),
        ({"TUTOR_DECKS": "/no/such/folder"}, "TUTOR_DECKS=/no/such/folder is not a folder"),
    ],
)
def test_bad_settings_are_one_clear_line(environ: dict[str, str], message: str):
    with pytest.raises(SettingsError, match=message) as err:
        Settings.from_env(environ, dotenv_path=None)
    assert "\n" not in str(err.value)


def test_the_core_never_imports_discord():
    code = (
        "import sys, bot.settings, bot.store\n"
        "print(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_endpoints_and_intents(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    )
    apply_discord_endpoints(Settings(api_base="http://h:1/api/v9", gateway_url="ws://h:2/gw"))
    assert discord.http.Route.BASE == "http://h:1/api/v9"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://h:2/gw"

    assert make_intents() == discord.Intents(guilds=True)
    assert make_intents(message_content=True) == discord.Intents(
        guilds=True, guild_messages=True, message_content=True
    )
    assert all(name.startswith("cogs.") and name != "cogs.common" for name in discover_cogs())


# --------------------------------------------------------------------------------- the bot against the fake


class Recorder:
    """A store factory that records being opened and closed."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def __call__(self) -> contextlib.AbstractAsyncContextManager[object]:
        @contextlib.asynccontextmanager
        async def open_store() -> AsyncIterator[object]:
            self.events.append("open")
            try:
                yield self
            finally:
                self.events.append("close")

        return open_store()


def write_extension(folder: Path, name: str, description: str) -> str:
    (folder / f"{name}.py").write_text(
        textwrap.dedent(
            f"""\
            import discord
            from discord import app_commands

            @app_commands.command(name="ping", description={description!r})
            async def ping(interaction: discord.Interaction) -> None:
                await interaction.response.send_message("pong " + str(interaction.client.store is not None))

            async def setup(bot):
                bot.tree.add_command(ping)
            """
        ),
        encoding="utf-8",
    )
    return name


async def test_commands_sync_only_when_their_definitions_change(
    fake_discord: FakeDiscord, start_bot: BotStarter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    fake = fake_discord
    guild = fake.add_guild()
    alice = fake.add_member(guild, "alice")
    monkeypatch.syspath_prepend(str(tmp_path))
    ext = write_extension(tmp_path, "runner_test_ext_v1", "Reply pong")
    hash_file = tmp_path / "tutor.db.commands.json"
    store = Recorder()

    def make(extension: str) -> TutorBot:
        return TutorBot(extensions=[extension], open_store=store, command_hash_path=hash_file)

    first = await start_bot(make(ext))
    assert first.synced_commands and fake.command_puts == 1 and hash_file.exists()
    assert (await fake.slash(guild, alice, "ping")).content == "pong True"
    await start_bot.stop(first)

    second = await start_bot(make(ext))  # same definitions: no PUT
    assert not second.synced_commands and fake.command_puts == 1
    assert (await fake.slash(guild, alice, "ping")).content == "pong True"
    await start_bot.stop(second)

    changed = write_extension(tmp_path, "runner_test_ext_v2", "Reply pong, politely")
    third = await start_bot(make(changed))
    assert third.synced_commands and fake.command_puts == 2
    assert fake.global_commands["ping"]["description"] == "Reply pong, politely"
    await start_bot.stop(third)
    assert store.events == ["open", "close"] * 3


async def test_guild_commands_are_synced_and_removed(
    fake_discord: FakeDiscord, start_bot: BotStarter, tmp_path: Path
):
    fake = fake_discord
    guild = fake.add_guild()
    hash_file = tmp_path / "db.commands.json"
    bot = TutorBot(command_hash_path=hash_file)

    @app_commands.command(name="local", description="Only here")
    async def local(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("here")

    bot.tree.add_command(local, guild=discord.Object(guild.id))
    await start_bot(bot)
    assert set(fake.guild_commands[guild.id]) == {"local"}
    assert fake.command_puts == 2  # global (empty) and the guild's
    await start_bot.stop(bot)

    await start_bot(TutorBot(command_hash_path=hash_file))  # the guild command is gone from the code
    assert fake.guild_commands[guild.id] == {}
    assert fake.command_puts == 4


async def test_sigterm_closes_the_bot_and_the_store(
    fake_discord: FakeDiscord, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    await sigterm_like(signal.SIGTERM, fake_discord, tmp_path)


async def test_sigint_closes_the_bot_and_the_store(fake_discord: FakeDiscord, tmp_path: Path):
    await sigterm_like(signal.SIGINT, fake_discord, tmp_path)


async def sigterm_like(sig: signal.Signals, fake: FakeDiscord, tmp_path: Path) -> None:
    before = {t for t in asyncio.all_tasks() if not t.done()}
    store = Recorder()
    settings = Settings(
        token=fake.token,
        db_path=tmp_path / "tutor.db",
        api_base=fake.api_base,
        gateway_url=fake.gateway_url,
        log_level="WARNING",
    )
    runner = asyncio.create_task(run_bot(settings, open_store=store, guild_ready_timeout=0.05))
    await fake.wait_connected()
    assert store.events == ["open"]
    assert signal.getsignal(sig) not in (signal.SIG_DFL, signal.default_int_handler)  # ours: safe to raise
    signal.raise_signal(sig)
    assert await asyncio.wait_for(runner, 5) == 0
    assert store.events == ["open", "close"]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers removed again
    for _ in range(50):  # let the fake's side of the closed connections finish too
        left = {t for t in asyncio.all_tasks() if not t.done()} - before - {asyncio.current_task()}
        if not left:
            break
        await asyncio.sleep(0.01)
    assert not left, f"tasks left behind: {left}"
    assert not fake.connected


async def test_a_rejected_token_is_one_line_and_exit_code_2(
    fake_discord: FakeDiscord, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    settings = Settings(
        token="not-the-token",
        db_path=tmp_path / "tutor.db",
        api_base=fake_discord.api_base,
        gateway_url=fake_discord.gateway_url,
        log_level="WARNING",
    )
    store = Recorder()
    assert await run_bot(settings, open_store=store) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("tutorbot: Discord rejected DISCORD_TOKEN")
    assert [c.status for c in fake_discord.calls_to("GET", "/users/@me")] == [401]
    assert store.events == []  # nothing opened for nothing


async def test_a_missing_token_is_one_line_and_exit_code_2(capsys: pytest.CaptureFixture[str]):
    assert await run_bot(Settings(token=None)) == 2
    err = capsys.readouterr().err
    assert err == "tutorbot: DISCORD_TOKEN is not set: put the bot's token in the environment or in .env\n"


async def test_privileged_intent_not_enabled_is_one_line_and_exit_code_2(
    fake_discord: FakeDiscord,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    discord_problems: DiscordProblems,
):
    fake_discord.enabled_privileged_intents = 0
    settings = Settings(
        token=fake_discord.token,
        db_path=tmp_path / "tutor.db",
        api_base=fake_discord.api_base,
        gateway_url=fake_discord.gateway_url,
        log_level="WARNING",
        message_content=True,
    )
    store = Recorder()
    assert await run_bot(settings, open_store=store) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "message-content intent" in err and "Traceback" not in err
    assert store.events == ["open", "close"]


async def test_the_default_store_is_the_sqlite_file(fake_discord: FakeDiscord, tmp_path: Path):
    settings = Settings(
        token=fake_discord.token,
        db_path=tmp_path / "tutor.db",
        api_base=fake_discord.api_base,
        gateway_url=fake_discord.gateway_url,
        log_level="WARNING",
    )
    runner = asyncio.create_task(run_bot(settings, guild_ready_timeout=0.05))
    await fake_discord.wait_connected()
    assert (tmp_path / "tutor.db").exists()
    assert (tmp_path / "tutor.db.commands.json").exists()
    signal.raise_signal(signal.SIGTERM)
    assert await asyncio.wait_for(runner, 5) == 0


# ------------------------------------------------------------------------------------- shards and database


def test_shard_settings_name_this_process_s_shards_of_the_count():
    def shards(count: str, ids: str | None = None) -> Settings:
        environ = {"TUTOR_SHARD_COUNT": count} | ({"TUTOR_SHARD_IDS": ids} if ids is not None else {})
        return Settings.from_env(environ, dotenv_path=None)

    assert (shards("4", "0,1").shard_count, shards("4", "0,1").shard_ids) == (4, (0, 1))
    assert shards("4", "2-3").shard_ids == (2, 3)
    assert shards("8", " 6 , 0-1 , 3 ").shard_ids == (0, 1, 3, 6)
    both = shards("2")  # every shard of the count in this one process
    assert (both.shard_count, both.shard_ids, both.sharded, both.syncs_commands) == (2, None, True, True)
    auto = shards("auto")
    assert (auto.shard_count, auto.auto_shards, auto.sharded) == (None, True, True)
    # Only the process running shard 0 syncs the slash commands.
    assert shards("4", "0,1").syncs_commands and not shards("4", "2-3").syncs_commands
    unsharded = Settings.from_env({}, dotenv_path=None)
    assert (unsharded.sharded, unsharded.syncs_commands) == (False, True)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TUTOR_SHARD_IDS": "0"}, "TUTOR_SHARD_IDS needs TUTOR_SHARD_COUNT"),
        ({"TUTOR_SHARD_COUNT": "auto", "TUTOR_SHARD_IDS": "0"}, "needs a number in TUTOR_SHARD_COUNT"),
        ({"TUTOR_SHARD_COUNT": "two"}, "TUTOR_SHARD_COUNT must be a whole number of shards from 1"),
        ({"TUTOR_SHARD_COUNT": "0"}, "TUTOR_SHARD_COUNT must be a whole number of shards from 1"),
        ({"TUTOR_SHARD_COUNT": "4", "TUTOR_SHARD_IDS": "0;1"}, "must be shard numbers like 0,1 or 2-3"),
        ({"TUTOR_SHARD_COUNT": "4", "TUTOR_SHARD_IDS": "1,"}, "must be shard numbers like 0,1 or 2-3"),
        ({"TUTOR_SHARD_COUNT": "4", "TUTOR_SHARD_IDS": "-1"}, "must be shard numbers like 0,1 or 2-3"),
        ({"TUTOR_SHARD_COUNT": "4", "TUTOR_SHARD_IDS": "3-2"}, "the range 3-2 is backwards (write 2-3)"),
        (
            {"TUTOR_SHARD_COUNT": "4", "TUTOR_SHARD_IDS": "2-4"},
            "shard 4 does not exist with TUTOR_SHARD_COUNT=4",
        ),
        ({"TUTOR_SHARD_COUNT": "4", "TUTOR_SHARD_IDS": "0-2,1"}, "shard 1 is listed twice"),
        ({"TUTOR_DB_POOL": "many"}, "TUTOR_DB_POOL must be a whole number of connections"),
        ({"TUTOR_DB_POOL": "1"}, "TUTOR_DB_POOL must be between 2 and 100"),
    ],
)
def test_bad_shard_and_pool_settings_are_one_clear_line(environ: dict[str, str], message: str):
    with pytest.raises(SettingsError) as err:
        Settings.from_env(environ, dotenv_path=None)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_the_bot_runs_on_the_shards_the_settings_name():
    plain = make_bot(Settings(), extensions=[])
    assert not isinstance(plain, commands.AutoShardedBot)
    assert (plain.scheduled_shards, plain.syncs_commands) == (None, True)

    some = make_bot(Settings(shard_count=4, shard_ids=(2, 3)), extensions=[])
    assert isinstance(some, ShardedTutorBot) and isinstance(some, TutorBot)
    assert (some.shard_count, some.shard_ids) == (4, [2, 3])
    assert some.scheduled_shards == Shards(frozenset({2, 3}), 4)
    assert not some.syncs_commands

    every = make_bot(Settings(shard_count=2), extensions=[])
    assert isinstance(every, ShardedTutorBot) and every.shard_count == 2 and every.shard_ids is None
    assert every.scheduled_shards is None and every.syncs_commands  # all shards here: every guild is ours

    auto = make_bot(Settings(auto_shards=True), extensions=[])
    assert isinstance(auto, ShardedTutorBot) and auto.shard_count is None  # GET /gateway/bot decides
