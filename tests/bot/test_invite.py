"""``tutorbot invite`` against the fake Discord, and ``make run`` printing the link at the first start."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from bot.runner import run_bot
from bot.settings import Settings
from tests.fakediscord import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]

#: What the bot does in a class channel, named as discord.py names Discord's permissions.
NEEDED = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    create_public_threads=True,
    send_messages_in_threads=True,
)


async def tutorbot(*args: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    """``python -m bot ARGS`` in its own process, with only ``env`` for Discord's settings."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "TUTOR_"))}
    environ["PYTHONPATH"] = str(ROOT)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env={**environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def link_parts(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


async def test_invite_prints_the_link_with_the_application_id_scopes_and_permissions(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    code, out, err = await tutorbot(
        "invite", cwd=tmp_path, DISCORD_TOKEN=fake.token, DISCORD_API_BASE=fake.api_base
    )
    assert (code, err) == (0, "")
    assert out.count("\n") == 1  # the link alone, for a script or a copy
    where, query = link_parts(out)
    assert where == "https://discord.com/oauth2/authorize"
    assert query["client_id"] == [str(fake.application_id)]  # read through the token, from Discord
    assert set(query["scope"][0].split()) == {"bot", "applications.commands"}
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted == NEEDED
    assert not granted.manage_messages and not granted.administrator and not granted.mention_everyone
    assert [c.status for c in fake.calls_to("GET", "/oauth2/applications/@me")] == [200]

    code, out, err = await tutorbot(
        "invite", "--manage-messages", cwd=tmp_path, DISCORD_TOKEN=fake.token, DISCORD_API_BASE=fake.api_base
    )
    assert code == 0
    granted = discord.Permissions(int(link_parts(out)[1]["permissions"][0]))
    assert granted.manage_messages and granted == NEEDED | discord.Permissions(manage_messages=True)


async def test_invite_errors_are_one_clear_line(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    code, out, err = await tutorbot("invite", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith("tutorbot: DISCORD_TOKEN is not set") and err.count("\n") == 1

    code, out, err = await tutorbot(
        "invite", cwd=tmp_path, DISCORD_TOKEN="not-the-token", DISCORD_API_BASE=fake_discord.api_base
    )
    assert (code, out) == (2, "")
    assert err.startswith("tutorbot: Discord rejected DISCORD_TOKEN") and err.count("\n") == 1
    assert "not-the-token" not in err

    # A port nothing listens on: Discord unreachable.
    code, out, err = await tutorbot(
        "invite", cwd=tmp_path, DISCORD_TOKEN="any", DISCORD_API_BASE="http://127.0.0.1:9/api/v10"
    )
    assert (code, out) == (1, "")
    assert err.startswith("tutorbot: cannot reach Discord at http://127.0.0.1:9/api/v10")
    assert err.count("\n") == 1 and "Traceback" not in err


async def test_the_first_start_prints_the_invite_link_once(
    fake_discord: FakeDiscord, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        token=fake_discord.token,
        db_path=tmp_path / "tutor.db",
        api_base=fake_discord.api_base,
        gateway_url=fake_discord.gateway_url,
        log_level="WARNING",
    )
    printed = []
    for _start in range(2):
        runner = asyncio.create_task(run_bot(settings, guild_ready_timeout=0.05))
        await fake_discord.wait_connected()
        signal.raise_signal(signal.SIGTERM)
        assert await asyncio.wait_for(runner, 5) == 0
        printed.append(capsys.readouterr().out)
    first, second = printed
    assert "tutorbot invite" in first
    links = [line for line in first.splitlines() if line.startswith("https://")]
    assert len(links) == 1
    assert link_parts(links[0])[1]["client_id"] == [str(fake_discord.application_id)]
    assert "https://" not in second  # remembered next to the database
    assert (tmp_path / "tutor.db.invite").exists()
