"""A slash command's options and a select's values, checked and typed against what the bot registered.

As the Discord client does: unknown or missing options, wrong types, values out of bounds or not among the
choices, channels of the wrong type or that the user cannot see are refused (``ClientRefused``); users,
members, roles, channels and attachments go into ``resolved``.
"""

# Test helpers take a plain ``timeout=`` like asyncio.wait_for does; that is the clearest API here.

from __future__ import annotations

from typing import Any

from .interactions import ClientRefused
from .model import (
    Attachment,
    Channel,
    Guild,
    Member,
    Role,
    User,
    snowflake_of,
)
from .rules import (
    ALL_PERMISSIONS,
    VIEW_CHANNEL,
    base_permissions,
    channel_permissions,
)


class CommandOptions:
    """Builds the ``data`` of command and autocomplete interactions, and select values."""

    def _command_data(
        self,
        g: Guild | None,
        u: User,
        ch: Channel,
        command: str,
        values: dict[str, Any],
        *,
        focused: str | None,
    ) -> dict[str, Any]:
        parts = command.strip().lstrip("/").split()
        cmd = self.find_command(g, parts[0])
        self._check_visible(cmd, g, u)
        chain: list[dict[str, Any]] = []
        node = cmd
        for part in parts[1:]:
            subs = [o for o in node.get("options") or () if o.get("type") in (1, 2)]
            sub = next((o for o in subs if o["name"] == part), None)
            if sub is None:
                raise ClientRefused(
                    f"/{' '.join(parts)}: no sub-command {part!r} (has {[s['name'] for s in subs]})"
                )
            chain.append(sub)
            node = sub
        if any(o.get("type") in (1, 2) for o in node.get("options") or ()):
            names = [o["name"] for o in node["options"]]
            raise ClientRefused(f"/{' '.join(parts)} is a group: pick one of {names}")
        resolved: dict[str, dict[str, Any]] = {}
        leaf = self._leaf_options(node.get("options") or [], values, g, u, ch, resolved, focused, command)
        opts: list[dict[str, Any]] = leaf
        for sub in reversed(chain):
            opts = [{"type": sub["type"], "name": sub["name"], "options": opts}]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": opts}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _check_visible(self, cmd: dict[str, Any], g: Guild | None, u: User) -> None:
        contexts = cmd.get("contexts")
        if g is None:
            if (
                cmd.get("guild_id")
                or cmd.get("dm_permission") is False
                or (contexts is not None and 1 not in contexts)
            ):
                raise ClientRefused(f"/{cmd['name']} is not available in DMs")
            return
        if contexts is not None and 0 not in contexts:
            raise ClientRefused(f"/{cmd['name']} is not available in servers")
        needed = cmd.get("default_member_permissions")
        allowed = self.command_overrides.get((g.id, cmd["name"]), set())
        member = g.member(u.id)
        if allowed & {u.id, g.id, *member.roles}:  # the guild id is @everyone
            return
        if needed is not None:
            have = base_permissions(g, member)
            if (int(needed) & ~have) or (int(needed) == 0 and have != ALL_PERMISSIONS):
                raise ClientRefused(
                    f"/{cmd['name']} is hidden from {u.username}: "
                    f"it needs default_member_permissions={needed}"
                )

    def _leaf_options(
        self,
        defs: list[dict[str, Any]],
        values: dict[str, Any],
        g: Guild | None,
        u: User,
        ch: Channel,
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
        command: str,
    ) -> list[dict[str, Any]]:
        by_name = {d["name"]: d for d in defs}
        unknown = set(values) - set(by_name)
        if unknown:
            raise ClientRefused(f"/{command} has no option(s) {sorted(unknown)}; options: {sorted(by_name)}")
        out: list[dict[str, Any]] = []
        for d in defs:
            name = d["name"]
            value = values.get(name)
            if value is None:
                if d.get("required") and focused is None:
                    raise ClientRefused(f"/{command}: option {name!r} is required")
                continue
            if name == focused:
                out.append({"name": name, "type": d["type"], "value": str(value), "focused": True})
                continue
            out.append(
                {"name": name, "type": d["type"], "value": self._option_value(d, value, g, u, ch, resolved)}
            )
        return out

    def _option_value(
        self,
        d: dict[str, Any],
        value: Any,
        g: Guild | None,
        u: User,
        ch: Channel,
        resolved: dict[str, dict[str, Any]],
    ) -> Any:
        t, name = d["type"], d["name"]
        if t in (3, 4, 10):
            if t == 3 and not isinstance(value, str):
                raise ClientRefused(f"option {name!r} takes text, got {value!r}")
            if t == 4 and (isinstance(value, bool) or not isinstance(value, int)):
                raise ClientRefused(f"option {name!r} takes an integer, got {value!r}")
            if t == 10 and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ClientRefused(f"option {name!r} takes a number, got {value!r}")
            choices = d.get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise ClientRefused(
                    f"option {name!r} must be one of {[c['value'] for c in choices]}, got {value!r}"
                )
            if t == 3:
                if len(value) < d.get("min_length", 0) or len(value) > d.get("max_length", 6000):
                    raise ClientRefused(f"option {name!r}: length {len(value)} out of bounds")
            elif (d.get("min_value") is not None and value < d["min_value"]) or (
                d.get("max_value") is not None and value > d["max_value"]
            ):
                raise ClientRefused(
                    f"option {name!r}: {value} out of [{d.get('min_value')}, {d.get('max_value')}]"
                )
            return value
        if t == 5:
            if not isinstance(value, bool):
                raise ClientRefused(f"option {name!r} takes a boolean, got {value!r}")
            return value
        if (t in (6, 9) and isinstance(value, User | Member)) or (t == 6 and isinstance(value, int)):
            target = self.user(value)
            resolved.setdefault("users", {})[str(target.id)] = target.payload()
            if g is not None and target.id in g.members:
                m = g.members[target.id]
                resolved.setdefault("members", {})[str(target.id)] = m.payload(
                    with_user=False, permissions=channel_permissions(g, m, ch)
                )
            return str(target.id)
        if t in (8, 9):
            if not isinstance(value, Role) and not (g is not None and snowflake_of(value) in g.roles):
                raise ClientRefused(f"option {name!r} takes a role, got {value!r}")
            assert g is not None
            role = g.roles[snowflake_of(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            return str(role.id)
        if t == 7:
            target_ch = self.channel(value)
            allowed = d.get("channel_types")
            if allowed and target_ch.type not in allowed:
                raise ClientRefused(
                    f"option {name!r} takes channels of types {allowed}, not {target_ch.type}"
                )
            if g is None or target_ch.guild_id != g.id:
                raise ClientRefused(f"option {name!r}: channel {target_ch.id} is not in this guild")
            perms = channel_permissions(g, g.members[u.id], target_ch)
            if not perms & VIEW_CHANNEL:
                raise ClientRefused(f"{u.username} cannot see #{target_ch.name}")
            resolved.setdefault("channels", {})[str(target_ch.id)] = {
                "id": str(target_ch.id),
                "name": target_ch.name,
                "type": target_ch.type,
                "permissions": str(perms),
                "parent_id": str(target_ch.parent_id) if target_ch.parent_id else None,
                "position": target_ch.position,
                "nsfw": False,
                "flags": 0,
            }
            return str(target_ch.id)
        if t == 11:
            if isinstance(value, Attachment):
                att = value
            elif isinstance(value, bytes):
                att = self._new_attachment(ch.id, "file.txt", value)
            else:
                filename, data = value
                att = self._new_attachment(ch.id, filename, data)
            resolved.setdefault("attachments", {})[str(att.id)] = att.payload()
            return str(att.id)
        raise ClientRefused(f"option {name!r} of type {t} cannot take {value!r}")

    def _select_values(
        self,
        comp: dict[str, Any],
        values: list[Any],
        g: Guild | None,
        u: User,
        ch: Channel,
        data: dict[str, Any],
    ) -> list[str]:
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise ClientRefused(f"select {comp['custom_id']!r} takes {lo}..{hi} values, got {len(values)}")
        if comp["type"] == 3:
            allowed = [o["value"] for o in comp.get("options") or ()]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ClientRefused(
                    f"select {comp['custom_id']!r} has no option(s) {bad}; options: {allowed}"
                )
            return [str(v) for v in values]
        resolved: dict[str, dict[str, Any]] = {}
        kind = {5: 6, 6: 8, 7: 9, 8: 7}[comp["type"]]
        ids = [
            self._option_value({"type": kind, "name": comp["custom_id"]}, v, g, u, ch, resolved)
            for v in values
        ]
        data["resolved"] = resolved
        return ids
