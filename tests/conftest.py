"""Suite-wide set-up: the fake Discord's fixtures (``fake_discord``, ``start_bot``, ``discord_problems``)
and the class server of ``support.classroom`` (``clock``, ``decks``, ``klass``)."""

import sys
from pathlib import Path

# ``python -m pytest`` puts the repository root on sys.path, the ``pytest`` script does not; make both
# import the project (``bot``, ``cogs``) the same way. ``tests/`` itself is on sys.path (a conftest in a
# directory without ``__init__.py``), which is how the fake is importable as ``fakediscord``.
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

pytest_plugins = ["fakediscord.fixtures", "support.classroom"]
