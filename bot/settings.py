"""The bot's settings, from the environment and an optional ``.env`` file (the environment wins).

===========================  ==========================================================================
``DISCORD_TOKEN``            the bot's token (required to run the bot; a leading ``Bot `` is dropped)
``TUTOR_DB``                 the SQLite file (default ``tutorbot.db`` in the working directory), or a
                             ``postgresql://user:password@host:port/db`` URL shared by several processes
``TUTOR_DB_POOL``            PostgreSQL connections per process, 2 to 100 (default 5)
``TUTOR_SHARD_COUNT``        how many shards the bot has in all (every process says the same), or ``auto``
                             (Discord's recommended count, every shard in this process); default: unsharded
``TUTOR_SHARD_IDS``          the shards this process runs, e.g. ``0,1`` or ``2-3`` (needs a number in
                             ``TUTOR_SHARD_COUNT``); default: all of them
``TUTOR_DECKS``              an extra folder of decks (optional; must exist)
``DISCORD_API_BASE``         REST base URL with the version, e.g. ``http://localhost:3001/api/v9``, to run
                             against a Discord-compatible server (Spacebar) or a test server (optional)
``DISCORD_GATEWAY_URL``      the gateway's ``ws://``/``wss://`` URL to go with it (optional)
``TUTOR_LOG_LEVEL``          DEBUG, INFO (default), WARNING, ERROR or CRITICAL
``TUTOR_MESSAGE_CONTENT``    ``1`` to ask for the privileged message-content intent, so replies to the daily
                             post are graded too (enable it in the Developer Portal first); default off
===========================  ==========================================================================

The ``.env`` format: ``KEY=VALUE`` lines, blank lines and ``#`` comments, an optional ``export``, values
in single quotes (taken literally) or double quotes (``\\n``, ``\\t``, ``\\"``, ``\\\\`` escapes), and
``  # comment`` after an unquoted value. An environment variable set to a non-empty value wins over the
same key in ``.env``.

This module never imports discord (the runner applies the two endpoint settings to discord.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "tutorbot.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
KEYS = (
    "DISCORD_TOKEN",
    "TUTOR_DB",
    "TUTOR_DB_POOL",
    "TUTOR_SHARD_COUNT",
    "TUTOR_SHARD_IDS",
    "TUTOR_DECKS",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "TUTOR_LOG_LEVEL",
    "TUTOR_MESSAGE_CONTENT",
)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
#: More shards than any bot needs (Discord's largest bots run a few thousand): a typo, not a plan.
MAX_SHARDS = 100_000
_SHARD_PART = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


class SettingsError(ValueError):
    """A setting (or a line of ``.env``) that cannot be used; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the runner needs. ``Settings.from_env()`` reads it; tests build one directly."""

    token: str | None = None
    #: The SQLite file. Default: ``tutorbot.db`` in the working directory.
    db_path: Path = Path(DEFAULT_DB)
    #: The PostgreSQL URL when ``TUTOR_DB`` is one (``db_path`` is then unused).
    db_url: str | None = None
    #: PostgreSQL connections per process (None: the store's default).
    db_pool: int | None = None
    #: The total number of shards (None: unsharded, or ``auto_shards``).
    shard_count: int | None = None
    #: The shards this process runs, sorted (None: every shard of ``shard_count``).
    shard_ids: tuple[int, ...] | None = None
    #: ``TUTOR_SHARD_COUNT=auto``: Discord's recommended count, every shard in this process.
    auto_shards: bool = False
    decks_dir: Path | None = None
    api_base: str | None = None
    gateway_url: str | None = None
    log_level: str = "INFO"
    message_content: bool = False

    @property
    def database(self) -> str | Path:
        """What ``Store.open`` takes: the PostgreSQL URL, else the SQLite file."""
        return self.db_url if self.db_url is not None else self.db_path

    @property
    def sharded(self) -> bool:
        """Whether the bot runs on Discord's shards (``AutoShardedBot``) rather than as one session."""
        return self.shard_count is not None or self.auto_shards

    @property
    def syncs_commands(self) -> bool:
        """Whether this process syncs the slash commands: only the one running shard 0 (or unsharded)."""
        return self.shard_ids is None or 0 in self.shard_ids

    @property
    def command_hash_path(self) -> Path:
        """Where the runner keeps the hash of the synced slash-command definitions: next to the SQLite
        file, or, on PostgreSQL, ``tutorbot.commands.json`` in the working directory (of shard 0's
        process, the one that syncs)."""
        if self.db_url is not None:
            return Path("tutorbot.commands.json")
        return self.db_path.with_name(self.db_path.name + ".commands.json")

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] = os.environ,
        dotenv_path: str | os.PathLike[str] | None = ".env",
    ) -> Settings:
        """Read the settings from ``environ`` over ``dotenv_path`` (missing file: nothing; ``None``: no file).

        Raises SettingsError with a one-line message naming the variable (never echoing a secret).
        """
        dotenv = read_dotenv(dotenv_path) if dotenv_path is not None else {}

        def get(key: str) -> str | None:
            value = environ.get(key)
            if value is None or value.strip() == "":
                value = dotenv.get(key)
            value = value.strip() if value is not None else None
            return value or None

        token = get("DISCORD_TOKEN")
        if token is not None and token.startswith("Bot "):
            token = token[4:].strip() or None
        decks = get("TUTOR_DECKS")
        decks_dir = Path(decks).expanduser() if decks else None
        if decks_dir is not None and not decks_dir.is_dir():
            raise SettingsError(f"TUTOR_DECKS={decks} is not a folder")
        level = (get("TUTOR_LOG_LEVEL") or "INFO").upper()
        if level == "WARN":
            level = "WARNING"
        if level not in LOG_LEVELS:
            raise SettingsError(f"TUTOR_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
        database = get("TUTOR_DB") or DEFAULT_DB
        db_url = database if database.startswith(("postgresql://", "postgres://")) else None
        shard_count, shard_ids, auto_shards = _shards(get("TUTOR_SHARD_COUNT"), get("TUTOR_SHARD_IDS"))
        return cls(
            token=token,
            db_path=Path(DEFAULT_DB if db_url else database).expanduser(),
            db_url=db_url,
            db_pool=_pool(get("TUTOR_DB_POOL")),
            shard_count=shard_count,
            shard_ids=shard_ids,
            auto_shards=auto_shards,
            decks_dir=decks_dir,
            api_base=_url("DISCORD_API_BASE", get("DISCORD_API_BASE"), ("http://", "https://")),
            gateway_url=_url("DISCORD_GATEWAY_URL", get("DISCORD_GATEWAY_URL"), ("ws://", "wss://")),
            log_level=level,
            message_content=_flag("TUTOR_MESSAGE_CONTENT", get("TUTOR_MESSAGE_CONTENT")),
        )


def _url(key: str, value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not value.startswith(schemes) or not value.split("://", 1)[1].strip("/"):
        raise SettingsError(f"{key} must be a {' or '.join(s[:-3] for s in schemes)} URL, not {value!r}")
    return value.rstrip("/")


def _pool(value: str | None) -> int | None:
    if value is None:
        return None
    from .store.errors import StoreError
    from .store.postgres import pool_size  # the store's one rule for TUTOR_DB_POOL

    try:
        return pool_size(value)
    except StoreError as exc:
        raise SettingsError(str(exc)) from None


def _shards(count_text: str | None, ids_text: str | None) -> tuple[int | None, tuple[int, ...] | None, bool]:
    """TUTOR_SHARD_COUNT and TUTOR_SHARD_IDS, checked: (count, this process's ids, auto)."""
    if count_text is None:
        if ids_text is not None:
            raise SettingsError(
                "TUTOR_SHARD_IDS needs TUTOR_SHARD_COUNT, the number of shards across every process"
            )
        return None, None, False
    if count_text.lower() == "auto":
        if ids_text is not None:
            raise SettingsError(
                "TUTOR_SHARD_IDS needs a number in TUTOR_SHARD_COUNT, not auto: every process must agree "
                "on the count"
            )
        return None, None, True
    try:
        count = int(count_text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_SHARDS:
        raise SettingsError(
            f"TUTOR_SHARD_COUNT must be a whole number of shards from 1 to {MAX_SHARDS:,}, or auto, "
            f"not {count_text!r}"
        )
    if ids_text is None:
        return count, None, False
    ids: list[int] = []
    for part in ids_text.split(","):
        match = _SHARD_PART.fullmatch(part.strip())
        if match is None:
            raise SettingsError(f"TUTOR_SHARD_IDS must be shard numbers like 0,1 or 2-3, not {ids_text!r}")
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        if last < first:
            raise SettingsError(
                f"TUTOR_SHARD_IDS: the range {first}-{last} is backwards (write {last}-{first})"
            )
        if last >= count:
            raise SettingsError(
                f"TUTOR_SHARD_IDS: shard {last} does not exist with TUTOR_SHARD_COUNT={count} "
                f"(shards are numbered 0 to {count - 1})"
            )
        for shard in range(first, last + 1):
            if shard in ids:
                raise SettingsError(f"TUTOR_SHARD_IDS: shard {shard} is listed twice")
            ids.append(shard)
    return count, tuple(sorted(ids)), False


def _flag(key: str, value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise SettingsError(f"{key} must be 1 or 0 (true/false, yes/no, on/off), not {value!r}")


def read_dotenv(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``KEY=VALUE`` pairs of a ``.env`` file; a missing file is empty."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {file}: {exc}") from exc
    return parse_dotenv(text, source=str(file))


def parse_dotenv(text: str, *, source: str = ".env") -> dict[str, str]:
    """Parse ``.env`` text (see the module docstring). Errors name the line, never its value."""
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export ") or line.startswith("export\t"):
            line = line[7:].lstrip()
        key, sep, rest = line.partition("=")
        key = key.strip()
        if not sep or not _KEY.fullmatch(key):
            raise SettingsError(f"{source}, line {number}: expected KEY=VALUE")
        try:
            values[key] = _dotenv_value(rest.strip())
        except ValueError as exc:
            raise SettingsError(f"{source}, line {number} ({key}): {exc}") from None
    return values


def _dotenv_value(rest: str) -> str:
    if not rest or rest[0] not in "\"'":
        return re.split(r"\s#", rest, maxsplit=1)[0].rstrip()
    quote = rest[0]
    out: list[str] = []
    i = 1
    while i < len(rest):
        ch = rest[i]
        if ch == quote:
            tail = rest[i + 1 :].strip()
            if tail and not tail.startswith("#"):
                raise ValueError("unexpected text after the closing quote")
            return "".join(out)
        if quote == '"' and ch == "\\" and i + 1 < len(rest):
            nxt = rest[i + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    raise ValueError("the quote is not closed (values span one line)")
