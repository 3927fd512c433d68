"""PNG charts for Discord embeds: a member's recent scores (/rank) and each item's hit rate (/stats).

Discord-free and pure: data in, PNG bytes out. Rendering uses matplotlib's object API on the Agg canvas,
never pyplot, so no global figure state, no GUI backend and no display are involved. The same input gives
the same bytes (the PNG carries no software or date stamp), and a chart renders in a few tens of
milliseconds. Callers in the event loop run these functions in a thread (``asyncio.to_thread``); a lock
serialises the rendering, because matplotlib shares its font objects between figures and FreeType objects
are not thread-safe.

Every label comes from the message catalogue. Text that came from users (item names) is shown as typed:
math parsing is off (a ``$`` is a dollar) and characters the bundled font cannot draw (emoji) are dropped
rather than drawn as empty boxes with a warning.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

# pyplot is never imported: the Agg canvas is attached to each figure directly, so matplotlib never picks
# (or tries to open) a GUI backend on a server.
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font

from .i18n import format_percent, t

__all__ = ["MAX_ITEMS", "MAX_SCORES", "hit_rate_chart", "recent_scores_chart"]

#: At most this many recent scores are drawn (older ones are left out).
MAX_SCORES = 30
#: At most this many items are drawn on a hit-rate chart (cards longer than that are rare).
MAX_ITEMS = 20
_LABEL_CHARS = 38
_FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every machine
_DPI = 100
_GOOD, _FAIR, _POOR, _GREY = "#3ba55d", "#faa61a", "#ed4245", "#4f545c"
_RENDER_LOCK = threading.Lock()


def _color(ratio: float) -> str:
    """Green from 75 %, orange from 50 %, red below: the same reading as a teacher's marks."""
    if ratio >= 0.75:
        return _GOOD
    if ratio >= 0.5:
        return _FAIR
    return _POOR


@cache
def _drawable() -> frozenset[int]:
    path = findfont(FontProperties(family=_FONT_FAMILY), fallback_to_default=True)
    return frozenset(FT2Font(path).get_charmap())


def _label(text: str, limit: int = _LABEL_CHARS) -> str:
    """A one-line label the font can draw, shortened with an ellipsis."""
    drawable = _drawable()
    flat = " ".join(text.split())
    kept = "".join(c for c in flat if ord(c) in drawable)
    kept = " ".join(kept.split())  # a dropped emoji may leave two spaces
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    # No "Software" stamp (the matplotlib version) and no date: identical input, identical bytes.
    figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def recent_scores_chart(scores: Sequence[tuple[datetime, float]], *, tz: ZoneInfo, lang: str) -> bytes:
    """Bars of a member's recent scores (0 to 1), oldest first, dated in the guild's timezone.

    ``scores`` are ``(answered_at, score)`` pairs in any order; the newest ``MAX_SCORES`` are drawn, with a
    dashed line at their average.
    """
    points = sorted(scores, key=lambda pair: pair[0])[-MAX_SCORES:]
    with _RENDER_LOCK:
        figure = Figure(figsize=(6.0, 2.6), dpi=_DPI, layout="constrained")
        ax = figure.add_subplot()
        _style(ax)
        # A zero still gets a sliver of red: an answer worth nothing is not a missing answer.
        values = [max(round(score * 100, 1), 1.5) for _, score in points]
        positions = list(range(len(points)))
        ax.bar(positions, values, color=[_color(score) for _, score in points], width=0.7)
        if points:
            average = sum(score for _, score in points) / len(points)
            ax.axhline(average * 100, color=_GREY, linestyle="--", linewidth=1)
            ax.text(
                len(points) - 0.5,
                average * 100 + 2,
                t("leaderboard.chart.average", lang, percent=format_percent(average, lang)),
                ha="right",
                va="bottom",
                fontsize=8,
                color=_GREY,
                parse_math=False,
            )
        labels = []
        for at, _ in points:
            local = at.astimezone(tz)
            labels.append(
                t("leaderboard.chart.date", lang, month=f"{local.month:02d}", day=f"{local.day:02d}")
            )
        ax.set_xticks(
            positions,
            labels,
            rotation=45 if len(points) > 10 else 0,
            ha="right" if len(points) > 10 else "center",
        )
        ax.set_xlim(-0.6, max(len(points), 1) - 0.4)
        ax.set_ylim(0, 105)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_ylabel(t("leaderboard.chart.y_axis", lang), fontsize=8, parse_math=False)
        ax.set_title(t("leaderboard.chart.title", lang), fontsize=10, parse_math=False)
        return _png(figure)


def hit_rate_chart(items: Sequence[tuple[str, float]], *, lang: str) -> bytes:
    """Horizontal bars of each item's hit rate (0 to 1), in card order from the top.

    ``items`` are ``(item name, rate)`` pairs; names are user text, drawn as typed.
    """
    shown = list(items)[:MAX_ITEMS]
    with _RENDER_LOCK:
        height = 1.0 + 0.32 * max(len(shown), 1)
        figure = Figure(figsize=(6.0, height), dpi=_DPI, layout="constrained")
        ax = figure.add_subplot()
        _style(ax)
        positions = list(range(len(shown)))
        rates = [rate * 100 for _, rate in shown]
        ax.barh(positions, rates, color=[_color(rate) for _, rate in shown], height=0.65)
        for position, (_, rate) in zip(positions, shown, strict=True):
            ax.text(
                min(rate * 100 + 1.5, 101),
                position,
                format_percent(rate, lang),
                va="center",
                fontsize=8,
                parse_math=False,
            )
        ax.set_yticks(positions, [_label(name) for name, _ in shown], parse_math=False)
        ax.invert_yaxis()  # the card's first item at the top, as in the deck
        ax.set_xlim(0, 112)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel(t("teacher.chart.x_axis", lang), fontsize=8, parse_math=False)
        ax.set_title(t("teacher.chart.title", lang), fontsize=10, parse_math=False)
        return _png(figure)
