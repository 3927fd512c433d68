"""Members' display names as the bot last saw them, for the reveal's top scorers and the leaderboards.

The bot asks for no member list (no privileged intent), so names are remembered from the interactions and
messages members send; the surface asks Discord for the few it has not seen. Bounded: the oldest are
forgotten first. A member who erased their data is forgotten at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

#: Display names kept (a few thousand members answer in a big server).
NAMES_KEPT = 5000


class NameBook:
    def __init__(self, size: int = NAMES_KEPT) -> None:
        self.size = size
        self._names: OrderedDict[int, str] = OrderedDict()

    def remember(self, member_id: int, name: str) -> None:
        self._names[member_id] = name
        self._names.move_to_end(member_id)
        while len(self._names) > self.size:
            self._names.popitem(last=False)

    def forget(self, member_id: int) -> None:
        self._names.pop(member_id, None)

    def get(self, member_id: int) -> str | None:
        return self._names.get(member_id)

    def known(self, member_ids: Iterable[int]) -> dict[int, str]:
        return {m: self._names[m] for m in member_ids if m in self._names}
