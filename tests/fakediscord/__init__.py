"""The project's loopback fake of Discord, for end-to-end tests of the real discord.py bot.

Importable as ``tests.fakediscord`` from the repository root (tests, ``bench/``; the old name ``fakediscord``
still works under pytest). The fixtures (``fake_discord``, ``start_bot``, ``discord_problems``) live in
``tests.fakediscord.fixtures``, registered by ``tests/conftest.py``. See ``README.md`` here::

    async def test_setup(fake_discord, start_bot, tmp_path):
        fake = fake_discord
        guild = fake.add_guild("Classe", channels=("general", "questions"))
        prof = fake.add_role(guild, "Prof", permissions=discord.Permissions(manage_guild=True))
        teacher = fake.add_member(guild, "teacher", roles=[prof])
        student = fake.add_member(guild, "alice")
        await start_bot(TutorBot(extensions=[...]))
        questions = guild.channel("questions")
        res = await fake.slash(guild, teacher, "tutor setup", channel=questions, time="08:00")
        assert res.ephemeral and "08:00" in res.text
        post = await fake.wait_for_message(questions)
        click = await fake.click(student, post, label="Answer")          # opens the modal
        graded = await fake.submit_modal(student, {"Answer": "..."})     # by input label or custom_id
        assert graded.ephemeral and not graded.pings.any

Everything the bot did is recorded: ``fake.calls`` / ``fake.calls_to(method, pattern)``,
``fake.messages_in(channel)``, ``fake.dms_to(user)``, ``fake.interactions``, ``fake.global_commands``.
It speaks shards (``add_guild(on_shard=(i, n))``), injects faults (``fail_next``, ``hold_next``,
``drop_gateway``, ``refuse_next_resume``, ``forge_click``...), and runs in its own process
(``python -m tests.fakediscord serve``; ``tests.fakediscord.remote.FakeDiscordProcess``).
"""

from .interactions import ClientRefused, InteractionNotAcknowledged, InteractionResult
from .model import Attachment, Channel, Guild, Member, Message, Modal, ModalInput, Role, User
from .rules import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Pings
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
