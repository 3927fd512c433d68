"""REST: the bot's own user, users and DMs, the application, and the gateway URL (``/gateway/bot``)."""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

from typing import Any

from ..validate import (
    ApiError,
    invalid,
)
from .router import Request, RouteSpec

ROUTES: tuple[RouteSpec, ...] = (
    ("GET", "/users/@me", "_get_me", True),
    ("POST", "/users/@me/channels", "_create_dm", True),
    ("GET", "/users/{user_id}", "_get_user", True),
    ("GET", "/oauth2/applications/@me", "_get_application", True),
    ("GET", "/gateway", "_get_gateway", False),
    ("GET", "/gateway/bot", "_get_gateway_bot", True),
)


class UsersRoutes:
    """Users, the application (``login()`` reads it) and where the gateway is."""

    async def _get_me(self, req: Request) -> Any:
        return {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0, "email": None}

    async def _get_user(self, req: Request) -> Any:
        user = self.users.get(int(req.params["user_id"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return user.payload()

    async def _create_dm(self, req: Request) -> Any:
        uid = int((req.json or {}).get("recipient_id", 0))
        if uid not in self.users:
            raise invalid("recipient_id", "Value is not snowflake.")
        return self.dm_channel(uid).payload()

    async def _get_application(self, req: Request) -> Any:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": self.app_owner.payload(),
            "team": None,
            "flags": 0,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(self.guilds),
            "bot": self.bot_user.payload(),
        }

    async def _get_gateway(self, req: Request) -> Any:
        return {"url": self.gateway_url}

    async def _get_gateway_bot(self, req: Request) -> Any:
        """Where to connect, how many shards to use (``recommended_shards``), and the IDENTIFY budget."""
        total = 1000
        return {
            "url": self.gateway_url,
            "shards": self.recommended_shards,
            "session_start_limit": {
                "total": total,
                "remaining": max(0, total - self.identify_count),
                "reset_after": 24 * 3600 * 1000,
                "max_concurrency": 1,
            },
        }
