"""Waiting for state that no REST call of the fake announces (a scheduler pass, a background task)."""

# ``timeout=`` like asyncio.wait_for's is the clearest API for a test helper.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def until(predicate: Callable[[], Any], timeout: float = 2.0, what: str = "") -> Any:
    """Poll ``predicate`` until it is true; its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := predicate()):
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.005)
    return value
