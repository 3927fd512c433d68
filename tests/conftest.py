"""Suite-wide set-up: the fake Discord's fixtures (``fake_discord``, ``start_bot``, ``discord_problems``) and
the class server of :mod:`tests.support.classroom` (``clock``, ``decks``, ``klass``).

The repository root is on ``sys.path`` (``pythonpath`` in pyproject.toml), so the project (``bot``,
``cogs``), the fake (``tests.fakediscord``) and the shared doubles (``tests.support``) import the same
way under ``pytest``, ``python -m pytest`` and ``python -m bench``.
"""

pytest_plugins = ["tests.fakediscord.fixtures", "tests.support.classroom"]
