"""``python -m tests.fakediscord serve``: the fake Discord in its own process, driven over its control API.

Prints one JSON line on stdout once listening, then serves until SIGTERM, SIGINT or
``POST /_fake/shutdown``::

    $ python -m tests.fakediscord serve --port 0
    {"http": "http://127.0.0.1:40123", "api_base": "http://127.0.0.1:40123/api/v10",
     "gateway": "ws://127.0.0.1:40123/gateway", "control": "http://127.0.0.1:40123/_fake",
     "token": "fake-token", ...}

Point the bot at it with ``DISCORD_API_BASE``/``DISCORD_GATEWAY_URL`` (and ``DISCORD_TOKEN``); build the world
and act as users through ``control`` (``remote.FakeDiscordProcess`` does it from Python).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from .server import FakeDiscord


async def serve(args: argparse.Namespace) -> int:
    fake = FakeDiscord(bot_name=args.bot_name, token=args.token, ack_deadline=args.ack_deadline)
    fake.recommended_shards = args.shards
    await fake.start(port=args.port, host=args.host)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, fake.shutdown.set)
    urls = {
        "http": fake.http_url,
        "api_base": fake.api_base,
        "gateway": fake.gateway_url,
        "control": fake.control_url,
        "token": fake.token,
        "application_id": str(fake.application_id),
        "bot_user_id": str(fake.bot_user.id),
    }
    print(json.dumps(urls), flush=True)
    try:
        await fake.shutdown.wait()
    finally:
        await fake.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakediscord", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the fake Discord until stopped")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    run.add_argument("--port", type=int, default=0, help="port to listen on (default 0: any free port)")
    run.add_argument("--token", default="fake-token", help="the bot token the fake accepts")
    run.add_argument("--bot-name", default="TutorBot", help="the bot user's name")
    run.add_argument("--ack-deadline", type=float, default=3.0, help="seconds to acknowledge an interaction")
    run.add_argument("--shards", type=int, default=1, help="shards recommended by GET /gateway/bot")
    args = parser.parse_args(argv)
    if args.port < 0 or args.port > 65535:
        parser.error(f"--port must be between 0 and 65535, not {args.port}")
    if args.shards < 1:
        parser.error(f"--shards must be at least 1, not {args.shards}")
    return asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
