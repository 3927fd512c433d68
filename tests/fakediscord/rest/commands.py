"""REST: application commands, global and per guild (the bulk overwrites a command-tree sync makes)."""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

from typing import Any

from ..validate import (
    ApiError,
    invalid,
    validate_command,
)
from .router import Request, RouteSpec

ROUTES: tuple[RouteSpec, ...] = (
    ("GET", "/applications/{application_id}/commands", "_get_commands", True),
    ("PUT", "/applications/{application_id}/commands", "_put_commands", True),
    ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", "_get_commands", True),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", "_put_commands", True),
)


class CommandRoutes:
    """Registered commands: validated like Discord does, stored by name, echoed with ids and versions."""

    def _check_app(self, req: Request) -> None:
        if int(req.params["application_id"]) != self.application_id:
            raise ApiError(403, 50001, "Missing Access")

    def _command_store(self, req: Request) -> dict[str, dict[str, Any]]:
        self._check_app(req)
        if "guild_id" not in req.params:
            return self.global_commands
        gid = int(req.params["guild_id"])
        if gid not in self.guilds:
            raise ApiError(404, 10004, "Unknown Guild")
        return self.guild_commands.setdefault(gid, {})

    async def _get_commands(self, req: Request) -> Any:
        return list(self._command_store(req).values())

    async def _put_commands(self, req: Request) -> Any:
        store = self._command_store(req)
        body = req.json
        if not isinstance(body, list):
            raise invalid("_root", "Must be an array.")
        if len(body) > 100:
            raise invalid("_root", "Must be 100 or fewer in length.")
        seen: set[tuple[str, int]] = set()
        new: dict[str, dict[str, Any]] = {}
        for i, cmd in enumerate(body):
            ctype = cmd.get("type", 1)
            validate_command(cmd, f"{i}")
            key = (cmd["name"], ctype)
            if key in seen:
                raise invalid(f"{i}.name", "Application command names must be unique")
            seen.add(key)
            old = store.get(cmd["name"])
            stored = {
                "type": 1,
                "default_member_permissions": None,
                "nsfw": False,
                "description": "",
                **cmd,
                "id": old["id"] if old and old.get("type", 1) == ctype else str(self.ids.next()),
                "application_id": str(self.application_id),
                "version": str(self.ids.next()),
            }
            if "guild_id" in req.params:
                stored["guild_id"] = req.params["guild_id"]
            new[cmd["name"]] = stored
        store.clear()
        store.update(new)
        return list(new.values())
