"""The project's loopback fake of Discord, for end-to-end tests of the real discord.py bot.

Importable as ``fakediscord`` in tests (``tests/`` is on ``sys.path`` under pytest). The fixtures
(``fake_discord``, ``start_bot``, ``discord_problems``) live in ``fakediscord.fixtures``, registered by
``tests/conftest.py``.
"""

from .interactions import ClientRefused, InteractionNotAcknowledged, InteractionResult
from .model import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Modal,
    ModalInput,
    Pings,
    Role,
    User,
)
from .server import ApiError, Call, FakeDiscord

__all__ = [
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "ApiError",
    "Attachment",
    "Call",
    "Channel",
    "ClientRefused",
    "FakeDiscord",
    "Guild",
    "InteractionNotAcknowledged",
    "InteractionResult",
    "Member",
    "Message",
    "Modal",
    "ModalInput",
    "Pings",
    "Role",
    "User",
]
