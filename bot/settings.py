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
``TUTOR_SEMANTIC``           ``0`` to grade by words only (no meaning stage: for small machines); default on
``TUTOR_GRADING_PROCESS``    ``0`` to grade answers in a thread of the bot's process rather than a process of
                             their own (saves about 175 MB of memory; fewer answers a second at a peak)
===========================  ==========================================================================

The ``.env`` file is read with python-dotenv's parser (its format: ``KEY=VALUE`` lines, blank lines and
``#`` comments, an optional ``export``, values in single quotes (taken literally) or double quotes (``\\n``,
``\\t``, ``\\"`` escapes), ``  # comment`` after an unquoted value; no ``${VAR}`` expansion). A line it
cannot parse is an error naming the line. An environment variable set to a non-empty value wins over the
same key in ``.env``.

This module never imports discord (the runner applies the two endpoint settings to discord.py).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv.parser import parse_stream

from .store.errors import InvalidValue
from .store.postgres import DEFAULT_POOL, is_postgres_url, pool_size, redact

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
    "TUTOR_SEMANTIC",
    "TUTOR_GRADING_PROCESS",
)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
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
    #: The SQLite file. Default: ``tutorbot.db`` in the working directory. With a PostgreSQL ``TUTOR_DB``
    #: it stays the default name: the small side files (command hash, invite marker) are kept there.
    db_path: Path = Path(DEFAULT_DB)
    #: A PostgreSQL URL instead of the SQLite file (``TUTOR_DB=postgresql://...``)
    db_url: str | None = None
    #: Connections per process to PostgreSQL.
    db_pool: int = DEFAULT_POOL
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
    #: Grading by meaning (the offline sentence-embedding model); ``TUTOR_SEMANTIC=0`` turns it off.
    semantic: bool = True
    #: Answers graded in a process of their own (both cores at work); ``TUTOR_GRADING_PROCESS=0``: a thread.
    grading_process: bool = True

    @property
    def db_target(self) -> str:
        """What the store opens: the PostgreSQL URL, else the SQLite file."""
        return self.db_url or str(self.db_path)

    @property
    def db_shown(self) -> str:
        """The database as messages name it (a URL without its password)."""
        return redact(self.db_url) if self.db_url else str(self.db_path)

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
        try:
            pool = pool_size(get("TUTOR_DB_POOL") or "")
        except InvalidValue as error:
            raise SettingsError(str(error)) from None
        shard_count, shard_ids, auto_shards = _shards(get("TUTOR_SHARD_COUNT"), get("TUTOR_SHARD_IDS"))
        return cls(
            token=token,
            db_path=Path(DEFAULT_DB if is_postgres_url(database) else database).expanduser(),
            db_url=database if is_postgres_url(database) else None,
            db_pool=pool,
            shard_count=shard_count,
            shard_ids=shard_ids,
            auto_shards=auto_shards,
            decks_dir=decks_dir,
            api_base=_url("DISCORD_API_BASE", get("DISCORD_API_BASE"), ("http://", "https://")),
            gateway_url=_url("DISCORD_GATEWAY_URL", get("DISCORD_GATEWAY_URL"), ("ws://", "wss://")),
            log_level=level,
            message_content=_flag("TUTOR_MESSAGE_CONTENT", get("TUTOR_MESSAGE_CONTENT")),
            semantic=get("TUTOR_SEMANTIC") is None or _flag("TUTOR_SEMANTIC", get("TUTOR_SEMANTIC")),
            grading_process=get("TUTOR_GRADING_PROCESS") is None
            or _flag("TUTOR_GRADING_PROCESS", get("TUTOR_GRADING_PROCESS")),
        )


def _url(key: str, value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not value.startswith(schemes) or not value.split("://", 1)[1].strip("/"):
        raise SettingsError(f"{key} must be a {' or '.join(s[:-3] for s in schemes)} URL, not {value!r}")
    return value.rstrip("/")


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
    """Parse ``.env`` text with python-dotenv's parser (see the module docstring).

    python-dotenv itself skips a line it cannot parse with a logged warning; here it is an error naming the
    line (and the key, when there is one), never the value: a token must not end up in a log.
    """
    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        number = binding.original.line
        if binding.error:
            raise SettingsError(f"{source}, line {number}{_what_is_wrong(binding.original.string)}")
        if binding.key is None:
            continue  # a blank line or a comment
        if not _KEY.fullmatch(binding.key) or binding.value is None:
            raise SettingsError(f"{source}, line {number}: expected KEY=VALUE")
        values[binding.key] = binding.value
    return values


def _what_is_wrong(raw: str) -> str:
    """Why python-dotenv refused a line, for the error message: the key and the quoting problem."""
    line = raw.strip()
    if line.startswith(("export ", "export\t")):
        line = line[7:].lstrip()
    key, sep, rest = line.partition("=")
    key, rest = key.strip(), rest.strip()
    if not sep or not _KEY.fullmatch(key):
        return ": expected KEY=VALUE"
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        closing = re.search(r"(?<!\\)" + quote, rest[1:]) if quote == '"' else re.search(quote, rest[1:])
        if closing is None:
            return f" ({key}): the quote is not closed"
        return f" ({key}): unexpected text after the closing quote"
    return f" ({key}): expected KEY=VALUE"
