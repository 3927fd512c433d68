"""Discord's checks on what a bot sends: commands, messages (content, embeds, components) and modals.

Each failure is the ``ApiError`` Discord answers (400 50035 "Invalid Form Body" naming the field, 50006 for
an empty message), so the real discord.py client raises what it would raise against Discord.
"""

from __future__ import annotations

import re
from typing import Any

from .model import walk_components

COMPONENTS_V2 = 1 << 15
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
SELECT_TYPES = (3, 5, 6, 7, 8)
#: What a modal may hold at its top level: action rows (legacy), text displays and labels.
MODAL_TOP_LEVEL = (1, 10, 18)
#: A text display's content, at most.
TEXT_DISPLAY_LIMIT = 4000


class ApiError(Exception):
    """A Discord error response: HTTP status, JSON error code and message."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def invalid(field_path: str, message: str) -> ApiError:
    return ApiError(400, 50035, f"Invalid Form Body ({field_path}: {message})", {field_path: message})


def validate_command(cmd: dict[str, Any], where: str) -> None:
    ctype = cmd.get("type", 1)
    name = cmd.get("name", "")
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        raise invalid(f"{where}.name", "Must be between 1 and 32 in length.")
    if ctype == 1:
        if not re.fullmatch(r"[-_'\w]{1,32}", name) or name != name.lower():
            raise invalid(f"{where}.name", "Command name is invalid")
        if not 1 <= len(cmd.get("description") or "") <= 100:
            raise invalid(f"{where}.description", "Must be between 1 and 100 in length.")
        _validate_options(cmd.get("options") or [], f"{where}.options", depth=0)


def _validate_options(options: list[dict[str, Any]], where: str, depth: int) -> None:
    if len(options) > 25:
        raise invalid(where, "Must be 25 or fewer in length.")
    seen_optional = False
    names: set[str] = set()
    for i, opt in enumerate(options):
        here = f"{where}.{i}"
        name = opt.get("name", "")
        if not re.fullmatch(r"[-_'\w]{1,32}", name) or name != name.lower():
            raise invalid(f"{here}.name", "Command name is invalid")
        if name in names:
            raise invalid(f"{here}.name", "Option names must be unique")
        names.add(name)
        if not 1 <= len(opt.get("description") or "") <= 100:
            raise invalid(f"{here}.description", "Must be between 1 and 100 in length.")
        if opt.get("type") in (1, 2):
            if depth >= (1 if opt["type"] == 2 else 2):
                raise invalid(here, "Sub-commands nested too deeply")
            _validate_options(opt.get("options") or [], f"{here}.options", depth + 1)
            continue
        if opt.get("required"):
            if seen_optional:
                raise invalid(
                    f"{here}.required", "Required options must be placed before non-required options"
                )
        else:
            seen_optional = True
        if len(opt.get("choices") or ()) > 25:
            raise invalid(f"{here}.choices", "Must be 25 or fewer in length.")
        if opt.get("choices") and opt.get("autocomplete"):
            raise invalid(f"{here}.autocomplete", "Autocomplete cannot be set with choices")


def validate_message(body: dict[str, Any], files: list[Any], *, creating: bool) -> None:
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    components = body.get("components") or []
    flags = int(body.get("flags") or 0)
    v2 = bool(flags & COMPONENTS_V2)
    if creating and not (
        content.strip()
        or embeds
        or files
        or body.get("sticker_ids")
        or body.get("poll")
        or (v2 and components)
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")
    if len(content) > 2000:
        raise invalid("content", "Must be 2000 or fewer in length.")
    if v2 and (content or embeds):
        raise invalid("content", "The 'content' and 'embeds' fields cannot be used with IS_COMPONENTS_V2")
    if len(embeds) > 10:
        raise invalid("embeds", "Must be 10 or fewer in length.")
    total = 0
    for i, e in enumerate(embeds):
        limits = {"title": 256, "description": 4096}
        for key, limit in limits.items():
            text = e.get(key) or ""
            total += len(text)
            if len(text) > limit:
                raise invalid(f"embeds.{i}.{key}", f"Must be {limit} or fewer in length.")
        fields = e.get("fields") or []
        if len(fields) > 25:
            raise invalid(f"embeds.{i}.fields", "Must be 25 or fewer in length.")
        for j, f in enumerate(fields):
            name, value = str(f.get("name") or ""), str(f.get("value") or "")
            if not 1 <= len(name) <= 256:
                raise invalid(f"embeds.{i}.fields.{j}.name", "Must be between 1 and 256 in length.")
            if not 1 <= len(value) <= 1024:
                raise invalid(f"embeds.{i}.fields.{j}.value", "Must be between 1 and 1024 in length.")
            total += len(name) + len(value)
        for key, sub, limit in (("footer", "text", 2048), ("author", "name", 256)):
            text = (e.get(key) or {}).get(sub) or ""
            total += len(text)
            if len(text) > limit:
                raise invalid(f"embeds.{i}.{key}.{sub}", f"Must be {limit} or fewer in length.")
    if total > 6000:
        raise invalid("embeds", "Embed size exceeds maximum size of 6000")
    _validate_components(components, v2)


def _validate_components(components: list[dict[str, Any]], v2: bool) -> None:
    if not v2:
        if len(components) > 5:
            raise invalid("components", "Must be 5 or fewer in length.")
        for i, row in enumerate(components):
            if row.get("type") != 1:
                raise invalid(f"components.{i}.type", "Top-level components must be action rows")
            children = row.get("components") or []
            if not children or len(children) > 5:
                raise invalid(f"components.{i}.components", "Must be between 1 and 5 in length.")
            if any(c.get("type") in SELECT_TYPES for c in children) and len(children) > 1:
                raise invalid(f"components.{i}.components", "A select menu must be alone in its row")
    custom_ids: set[str] = set()
    for comp in walk_components(components):
        cid = comp.get("custom_id")
        if cid is not None:
            if not 1 <= len(cid) <= 100:
                raise invalid("components.custom_id", "Must be between 1 and 100 in length.")
            if cid in custom_ids:
                raise invalid("components.custom_id", f"Component custom id {cid!r} cannot be duplicated")
            custom_ids.add(cid)
        if comp.get("type") == 2:
            if len(comp.get("label") or "") > 80:
                raise invalid("components.label", "Must be 80 or fewer in length.")
            if comp.get("style") == 5 and not comp.get("url"):
                raise invalid("components.url", "Link buttons need a url")
            if comp.get("style") not in (5, 6) and cid is None:
                raise invalid("components.custom_id", "Non-link buttons need a custom_id")


def validate_modal(data: dict[str, Any]) -> None:
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        raise invalid("data.custom_id", "Must be between 1 and 100 in length.")
    if not 1 <= len(data.get("title") or "") <= 45:
        raise invalid("data.title", "Must be between 1 and 45 in length.")
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        raise invalid("data.components", "Must be between 1 and 5 in length.")
    for i, comp in enumerate(components):
        # A modal holds action rows (legacy), labels and text displays at its top level.
        if comp.get("type") not in MODAL_TOP_LEVEL:
            raise invalid(f"data.components.{i}.type", "Value must be one of {1, 10, 18}.")
    for comp in walk_components(components):
        if comp.get("type") == 10 and not 1 <= len(comp.get("content") or "") <= TEXT_DISPLAY_LIMIT:
            raise invalid("data.components.content", f"Must be between 1 and {TEXT_DISPLAY_LIMIT} in length.")
        if comp.get("type") == 18 and len(comp.get("description") or "") > 100:
            raise invalid("data.components.description", "Must be 100 or fewer in length.")
        if comp.get("type") == 4:
            label = comp.get("label")
            if label is not None and not 1 <= len(label) <= 45:
                raise invalid("data.components.label", "Must be between 1 and 45 in length.")
            if not 1 <= len(comp.get("custom_id") or "") <= 100:
                raise invalid("data.components.custom_id", "Must be between 1 and 100 in length.")
            if comp.get("style") not in (1, 2):
                raise invalid("data.components.style", "Value must be one of {1, 2}.")
            lo, hi = comp.get("min_length"), comp.get("max_length")
            if (lo is not None and not 0 <= lo <= 4000) or (hi is not None and not 1 <= hi <= 4000):
                raise invalid("data.components.min_length", "Must be between 0 and 4000.")
        if comp.get("type") == 18 and not 1 <= len(comp.get("label") or "") <= 45:
            raise invalid("data.components.label", "Must be between 1 and 45 in length.")
