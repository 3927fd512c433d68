"""deploy/: the systemd units are valid for systemd itself and run what the README says."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.runner import EXIT_CONFIG

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = ("tutorbot.service", "tutorbot-backup.service", "tutorbot-backup.timer")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def test_the_service_runs_the_bot_and_does_not_loop_on_a_configuration_error() -> None:
    service = unit("tutorbot.service")["Service"]
    assert service["ExecStart"] == "/opt/tutorbot/.venv/bin/python -m bot run"
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == str(EXIT_CONFIG)  # a refused token: no restart loop
    assert service["KillSignal"] == "SIGTERM"  # what run_bot closes cleanly on
    assert "Environment=TUTOR_DB=/var/lib/tutorbot/tutorbot.db" in (DEPLOY / "tutorbot.service").read_text()
    assert service["StateDirectory"] == "tutorbot"  # /var/lib/tutorbot, writable under ProtectSystem=strict
    assert service["User"] != "root"
    backup = unit("tutorbot-backup.service")["Service"]
    assert "-m bot backup --force" in backup["ExecStart"]


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (a system tool, like PostgreSQL): the units are not verified",
)
def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists: point the units at this checkout and its Python.
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        text = text.replace("/opt/tutorbot/.venv/bin/python", sys.executable).replace(
            "/opt/tutorbot", str(ROOT)
        )
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", *UNITS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "tutorbot" in line]
    assert done.returncode == 0, done.stderr
    assert ours == []  # an unknown key or a bad value is only a warning for systemd: none allowed
