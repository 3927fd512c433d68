"""Suite-wide set-up: the fake Discord's fixtures (``fake_discord``, ``start_bot``, ``discord_problems``).

The repository root is on ``sys.path`` (``pythonpath`` in pyproject.toml), so the project (``bot``,
``cogs``) and the fake (``tests.fakediscord``) import the same way under ``pytest`` and ``python -m pytest``.
"""

import sys

import pytest

pytest_plugins = ["tests.fakediscord.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # The fake's former top-level name (``import fakediscord``, from when ``tests/`` itself was on sys.path),
    # kept for the tests that still use it: the same module objects under both names, so one class each.
    for name, module in list(sys.modules.items()):
        if name == "tests.fakediscord" or name.startswith("tests.fakediscord."):
            sys.modules.setdefault(name.removeprefix("tests."), module)
