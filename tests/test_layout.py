"""The house's rules, checked on the code's own imports: what may import what, and how big a module may grow.

- Nothing in ``bot/`` but the runner imports discord or the cogs.
- A cog reaches the core through its services (``bot.services``), what the core says (``render``), its
  records and rules: never the store, never SQL, never the grader, never another cog. What cogs share is
  ``cogs.kit``, which is no cog.
- No cog listens to every interaction: the runner's one ``on_interaction`` hands each submitted form to the
  feature that named its custom id (``cogs.kit.forms.form_routes``). discord.py runs every listener as a task
  of its own for every interaction of every member.
- No module of ``bot/`` or ``cogs/`` is over 600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports (relative imports resolved), at any depth of the file."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_only_the_runner_imports_discord_or_the_cogs() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            n for n in imported(path) if n.split(".")[0] in ("discord", "cogs")
        )
        for path in modules("bot")
        if path.name != "runner.py" or path.parent.name != "bot"
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_cogs_reach_the_core_through_its_services_only() -> None:
    forbidden = ("bot.store", "bot.grading", "sqlite3", "aiosqlite", "bot.runner")
    found: dict[str, list[str]] = {}
    for path in modules("cogs"):
        names = imported(path)
        bad = [n for n in names if n.startswith(forbidden)]
        if path.parent.name == "cogs":
            own = path.stem
            bad += [
                n for n in names if n.startswith("cogs.") and not n.startswith(("cogs.kit", f"cogs.{own}"))
            ]
        if bad:
            found[str(path.relative_to(ROOT))] = sorted(bad)
    assert found == {}


def test_the_kit_is_not_a_cog() -> None:
    for path in modules("cogs/kit"):
        assert "async def setup(" not in path.read_text(encoding="utf-8"), path


def test_no_cog_listens_to_every_interaction() -> None:
    listening = [
        str(path.relative_to(ROOT))
        for path in modules("cogs")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.AsyncFunctionDef) and node.name == "on_interaction"
    ]
    assert listening == []


def test_no_module_is_over_600_lines() -> None:
    big = {
        str(path.relative_to(ROOT)): n
        for folder in ("bot", "cogs")
        for path in modules(folder)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert big == {}
