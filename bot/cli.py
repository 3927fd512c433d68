"""The command line: ``tutorbot`` (also ``python -m bot``).

    tutorbot deck check PATH [--json]      parsed cards, item counts and warnings (JSON for other tools)
    tutorbot deck convert PATH -o OUT.yaml an import written in canonical YAML, for review
    tutorbot practice [--deck PATH] [--count N] [--lang fr|en]
    tutorbot run                           the Discord bot (needs DISCORD_TOKEN)
    tutorbot db migrate --from FILE --to URL  copy a SQLite database into an empty PostgreSQL one
    tutorbot auto                          what ``make run`` does: the bot with a token, practice without
    tutorbot invite [--manage-messages]    the link that adds the bot to a server (reads DISCORD_TOKEN)
    tutorbot backup PATH [--force] [--db FILE]  a consistent copy of the SQLite database, bot running or not

Errors are one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .decks import Deck, DeckError, deck_name, load_deck
from .decks.review import dump_deck_for_review
from .settings import SettingsError

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "decks"
DEFAULT_DECK = DATA_DIR / "cours-2.yaml"

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _counted(count: int, noun: str) -> str:
    """``1 warning``, ``3 warnings``: the CLI's English, never ``warning(s)``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def deck_as_json(deck: Deck) -> dict[str, Any]:
    """The stable JSON shape other tools read: title, cards with items, warnings."""
    return {
        "title": deck.title,
        "cards": [
            {
                "question": card.question,
                "items": [
                    {"answer": item.answer, "detail": item.detail, "aliases": list(item.aliases)}
                    for item in card.items
                ],
            }
            for card in deck.cards
        ],
        "warnings": [str(warning) for warning in deck.warnings],
    }


def _deck_check(args: argparse.Namespace) -> int:
    deck = load_deck(args.path)
    if args.json:
        print(json.dumps(deck_as_json(deck), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(
        f"{deck.title} — {_counted(len(deck.cards), 'card')} ({deck.language}) — name: {deck_name(args.path)}"
    )
    for number, card in enumerate(deck.cards, start=1):
        where = f"line {card.line}" if card.line else ""
        print(f"\n{number:>2}. {card.question}  [{_counted(len(card.items), 'item')}] {where}")
        for item in card.items:
            line = f"    - {item.answer}"
            if item.detail:
                line += f": {item.detail}"
            if item.aliases:
                line += f"  (also: {', '.join(item.aliases)})"
            print(line)
    if deck.warnings:
        print(f"\n{_counted(len(deck.warnings), 'warning')}:")
        for warning in deck.warnings:
            print(f"  {deck.source}:{warning.line or ''} {warning.message}")
    return EXIT_OK


def _deck_convert(args: argparse.Namespace) -> int:
    deck = load_deck(args.path)
    # Each import warning becomes a comment beside its card, in the deck's language unless --lang says.
    text = dump_deck_for_review(deck, lang=args.lang, source=Path(args.path).name)
    out = Path(args.output)
    if out.exists() and not args.force:
        print(f"tutorbot: {out} exists; pass --force to overwrite it", file=sys.stderr)
        return EXIT_ERROR
    # Written aside then renamed: an interrupted convert never leaves half a deck under the name.
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
    print(
        f"{_counted(len(deck.cards), 'card')} written to {out}; "
        f"{_counted(len(deck.warnings), 'warning')} to review"
    )
    for warning in deck.warnings:
        print(f"  {deck.source}:{warning.line or ''} {warning.message}")
    return EXIT_OK


def _practice(args: argparse.Namespace) -> int:
    from .practice.terminal import run_terminal_practice

    return run_terminal_practice(deck_path=Path(args.deck), count=args.count, lang=args.lang, db=args.db)


def _db_migrate(args: argparse.Namespace) -> int:
    import asyncio

    from .store import StoreError
    from .store.postgres import is_postgres_url, redact
    from .store.transfer import copy_to_postgres

    if not is_postgres_url(args.target):
        print("tutorbot: --to must be a postgresql:// (or postgres://) URL", file=sys.stderr)
        return EXIT_USAGE
    try:
        counts = asyncio.run(copy_to_postgres(args.source, args.target, say=print))
    except StoreError as exc:
        print(f"tutorbot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(
        f"copied {sum(counts.values()):,} rows of {args.source} into {redact(args.target)}; row counts match"
    )
    return EXIT_OK


def _run(_args: argparse.Namespace) -> int:
    import asyncio

    from .runner import run_bot
    from .settings import Settings

    return asyncio.run(run_bot(Settings.from_env()))


def _auto(args: argparse.Namespace) -> int:
    from .settings import Settings  # the bot's settings: DISCORD_TOKEN from the environment or .env

    if Settings.from_env().token:
        return _run(args)
    from .i18n import t
    from .practice.terminal import run_terminal_practice

    print(t("cli.no_token", load_deck(DEFAULT_DECK).language) + "\n", file=sys.stderr)
    return run_terminal_practice(deck_path=DEFAULT_DECK, count=None, lang=None, db=None)


def _invite(args: argparse.Namespace) -> int:
    import asyncio

    from .invite import invite_url
    from .runner import DiscordAccessError, fetch_application_id
    from .settings import Settings

    try:
        application_id = asyncio.run(fetch_application_id(Settings.from_env()))
    except DiscordAccessError as exc:
        print(f"tutorbot: {exc}", file=sys.stderr)
        return exc.exit_code
    print(invite_url(application_id, manage_messages=args.manage_messages))
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from .settings import Settings
    from .store.backup import BackupError, backup_sqlite
    from .store.postgres import is_postgres_url, redact

    if args.db is not None:
        database: str | Path = args.db
    else:
        database = Settings.from_env().db_target
    if is_postgres_url(database):
        url = redact(str(database))
        print(
            f"tutorbot: TUTOR_DB is a PostgreSQL database ({url}); back it up with PostgreSQL's own tool, "
            f"while the bot runs: pg_dump --format=custom --file={args.path} '{url}'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        result = backup_sqlite(Path(database), Path(args.path), force=args.force)
    except BackupError as exc:
        print(f"tutorbot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    answers = f", {result.answers:,} answers" if result.answers is not None else ""
    print(f"backed up {database} to {result.target} ({result.bytes:,} bytes{answers})")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutorbot", description="A Discord tutor bot for study groups.")
    commands = parser.add_subparsers(dest="command", required=True)

    deck = commands.add_parser("deck", help="check or convert a deck file")
    deck_commands = deck.add_subparsers(dest="deck_command", required=True)
    check = deck_commands.add_parser("check", help="print the parsed cards, item counts and warnings")
    check.add_argument("path")
    check.add_argument("--json", action="store_true", help="print JSON: title, cards, warnings")
    check.set_defaults(handler=_deck_check)
    convert = deck_commands.add_parser("convert", help="write a deck in canonical YAML for review")
    convert.add_argument("path")
    convert.add_argument("-o", "--output", required=True, help="the YAML file to write")
    convert.add_argument("--force", action="store_true", help="overwrite the output file")
    convert.add_argument(
        "--lang",
        choices=("fr", "en"),
        default=None,
        help="language of the warning comments (default: the deck's)",
    )
    convert.set_defaults(handler=_deck_convert)

    practice = commands.add_parser("practice", help="practise a deck in the terminal")
    practice.add_argument("--deck", default=str(DEFAULT_DECK), help="deck file (default: the bundled deck)")
    practice.add_argument("--count", type=int, default=None, help="how many questions (default: all)")
    practice.add_argument("--lang", choices=("fr", "en"), default=None, help="language of the session")
    practice.add_argument("--db", default=None, help="SQLite file (default: TUTOR_DB or tutorbot.db)")
    practice.set_defaults(handler=_practice)

    db = commands.add_parser("db", help="database tools")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    migrate = db_commands.add_parser("migrate", help="copy a SQLite database into an empty PostgreSQL one")
    migrate.add_argument("--from", dest="source", required=True, help="the SQLite file (left untouched)")
    migrate.add_argument("--to", dest="target", required=True, help="postgresql://user:password@host/db")
    migrate.set_defaults(handler=_db_migrate)

    run = commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)
    invite = commands.add_parser("invite", help="print the link that adds the bot to a server")
    invite.add_argument(
        "--manage-messages",
        action="store_true",
        help="also ask for Manage Messages (deleting replies when answers are private)",
    )
    invite.set_defaults(handler=_invite)
    backup = commands.add_parser("backup", help="copy the SQLite database, safely while the bot runs")
    backup.add_argument("path", help="the file to write")
    backup.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    backup.add_argument("--db", default=None, help="the database (default: TUTOR_DB or tutorbot.db)")
    backup.set_defaults(handler=_backup)
    auto = commands.add_parser("auto", help="the bot if DISCORD_TOKEN is set, else terminal practice")
    auto.set_defaults(handler=_auto)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "count", None) is not None and args.count < 1:
        print("tutorbot: --count must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except DeckError as exc:
        for line in str(exc).split("\n"):  # a YAML deck reports every error it has, one a line
            print(f"tutorbot: {line}", file=sys.stderr)
        return EXIT_ERROR
    except SettingsError as exc:
        print(f"tutorbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:  # "tutorbot deck check x | head" closed the pipe early: not an error
        sys.stdout = None  # type: ignore[assignment]
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
