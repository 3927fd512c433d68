"""The fake's REST API, one module per resource; ``RestApi`` puts their routes behind one router."""

from __future__ import annotations

from . import commands, guilds, interactions, messages, threads, users
from .commands import CommandRoutes
from .faults import Fault, Hold
from .guilds import GuildRoutes
from .interactions import InteractionRoutes
from .messages import MessageRoutes
from .router import API_PREFIX, JSON, Call, FileUpload, Request, Router
from .threads import ThreadRoutes
from .users import UsersRoutes

__all__ = ["API_PREFIX", "JSON", "Call", "Fault", "FileUpload", "Hold", "Request", "RestApi", "Router"]


class RestApi(
    UsersRoutes, CommandRoutes, GuildRoutes, ThreadRoutes, MessageRoutes, InteractionRoutes, Router
):
    """Every REST route of the fake."""

    ROUTES = (
        users.ROUTES
        + commands.ROUTES
        + guilds.ROUTES
        + threads.ROUTES
        + messages.ROUTES
        + interactions.ROUTES
    )
