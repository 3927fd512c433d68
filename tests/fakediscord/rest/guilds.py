"""REST: guilds, their channels, roles and members (what a bot fetches when its cache lacks something)."""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

from typing import Any

from ..model import (
    Guild,
)
from ..validate import (
    ApiError,
)
from .router import Request, RouteSpec

ROUTES: tuple[RouteSpec, ...] = (
    ("GET", "/guilds/{guild_id}", "_get_guild", True),
    ("GET", "/guilds/{guild_id}/channels", "_get_guild_channels", True),
    ("GET", "/guilds/{guild_id}/roles", "_get_guild_roles", True),
    ("GET", "/guilds/{guild_id}/members/{user_id}", "_get_member", True),
)


class GuildRoutes:
    """Read-only views of the world's guilds."""

    def _known_guild(self, req: Request) -> Guild:
        g = self.guilds.get(int(req.params["guild_id"]))
        if g is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return g

    async def _get_guild(self, req: Request) -> Any:
        g = self._known_guild(req)
        data = g.payload(members=[], member_count=len(g.members))
        for key in ("channels", "members", "threads", "voice_states", "presences", "member_count", "large"):
            data.pop(key, None)
        data["approximate_member_count"] = len(g.members)
        return data

    async def _get_guild_channels(self, req: Request) -> Any:
        return [c.payload() for c in self._known_guild(req).channels.values()]

    async def _get_guild_roles(self, req: Request) -> Any:
        return [r.payload() for r in self._known_guild(req).roles.values()]

    async def _get_member(self, req: Request) -> Any:
        g = self._known_guild(req)
        m = g.members.get(int(req.params["user_id"]))
        if m is None:
            raise ApiError(404, 10007, "Unknown Member")
        return m.payload()
