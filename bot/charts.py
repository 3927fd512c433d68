"""PNG charts for Discord embeds: a member's recent scores (/rank) and each item's hit rate (/stats).

Discord-free and pure: data in, PNG bytes out. Rendering uses matplotlib's object API on the Agg canvas,
never pyplot, so no global figure state, no GUI backend and no display are involved. The same input gives
the same bytes (the PNG carries no software or date stamp), and a chart renders in a few tens of
milliseconds. Callers in the event loop run these functions in a thread (``asyncio.to_thread``); a lock
serialises the rendering, because matplotlib shares its font objects between figures and FreeType objects
are not thread-safe.

Every label comes from the message catalogue. Text that came from users (item names) is shown as typed:
math parsing is off (a ``$`` is a dollar) and characters the bundled font cannot draw (emoji) are dropped
rather than drawn as empty boxes with a warning. Long item names are wrapped on several lines, not cut.

Readable on Discord's dark and light themes alike: the image is opaque, on its own light card
(``BACKGROUND``), so its dark text never lands on Discord's dark grey; the text and the bar colours are
chosen for contrast on that card (WCAG: 4.5:1 for text, 3:1 for the bars).
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .i18n import format_percent, t

# pyplot is never imported: the Agg canvas is attached to each figure directly, so matplotlib never picks
# (or tries to open) a GUI backend on a server. matplotlib itself is imported at the first chart, not with
# this module: it costs about 1.3 s of every start, and most starts draw no chart for a while.
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MAX_ITEMS", "MAX_SCORES", "hit_rate_chart", "recent_scores_chart"]

#: At most this many recent scores are drawn (older ones are left out).
MAX_SCORES = 30
#: At most this many items are drawn on a hit-rate chart (cards longer than that are rare).
MAX_ITEMS = 20
#: An item name is wrapped at this many characters a line, on at most LABEL_LINES lines.
LABEL_WIDTH = 30
LABEL_LINES = 5
_FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every machine
_DPI = 100
#: The chart's own card, and its ink: opaque, so Discord's theme never shows through.
BACKGROUND, TEXT = "#ffffff", "#1e1f22"
#: Bars: green, amber, red, and the average line; each at least 3:1 against BACKGROUND.
_GOOD, _FAIR, _POOR, _GREY = "#1f7a3f", "#a15c00", "#c5282b", "#4f545c"
COLOURS = (_GOOD, _FAIR, _POOR, _GREY)
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
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    path = findfont(FontProperties(family=_FONT_FAMILY), fallback_to_default=True)
    return frozenset(FT2Font(path).get_charmap())


def _drawable_text(text: str) -> str:
    """``text`` on one line, without what the font cannot draw (a dropped emoji leaves no double space)."""
    drawable = _drawable()
    kept = "".join(c for c in " ".join(text.split()) if ord(c) in drawable)
    return " ".join(kept.split())


def label_lines(text: str) -> list[str]:
    """An item name as the chart draws it: wrapped at word boundaries, whole up to ``LABEL_LINES`` lines
    (about 150 characters; only a longer one ends with an ellipsis)."""
    lines = textwrap.wrap(_drawable_text(text), LABEL_WIDTH, break_long_words=True) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_WIDTH - 1].rstrip() + "…"
    return lines


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    # No "Software" stamp (the matplotlib version) and no date: identical input, identical bytes. Opaque on
    # BACKGROUND whatever matplotlib's settings, so it reads the same on Discord's dark and light themes.
    figure.savefig(
        buffer, format="png", dpi=_DPI, metadata={"Software": None}, facecolor=BACKGROUND, transparent=False
    )
    return buffer.getvalue()


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=_DPI, layout="constrained", facecolor=BACKGROUND)
    return figure


def _style(ax: Axes) -> None:
    ax.set_facecolor(BACKGROUND)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("bottom", "left"):
        ax.spines[side].set_color(_GREY)
    ax.tick_params(labelsize=8, colors=TEXT)


def recent_scores_chart(scores: Sequence[tuple[datetime, float]], *, tz: ZoneInfo, lang: str) -> bytes:
    """Bars of a member's recent scores (0 to 1), oldest first, dated in the guild's timezone.

    ``scores`` are ``(answered_at, score)`` pairs in any order; the newest ``MAX_SCORES`` are drawn, with a
    dashed line at their average.
    """
    points = sorted(scores, key=lambda pair: pair[0])[-MAX_SCORES:]
    with _RENDER_LOCK:
        figure = _figure(6.0, 2.6)
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
        ax.set_ylabel(t("leaderboard.chart.y_axis", lang), fontsize=8, parse_math=False, color=TEXT)
        ax.set_title(t("leaderboard.chart.title", lang), fontsize=10, parse_math=False, color=TEXT)
        return _png(figure)


def hit_rate_chart(items: Sequence[tuple[str, float]], *, lang: str) -> bytes:
    """Horizontal bars of each item's hit rate (0 to 1), in card order from the top.

    ``items`` are ``(item name, rate)`` pairs; names are user text, drawn as typed.
    """
    shown = list(items)[:MAX_ITEMS]
    labels = ["\n".join(label_lines(name)) for name, _ in shown]
    lines = sum(label.count("\n") + 1 for label in labels)
    with _RENDER_LOCK:
        # A row per item, taller for a wrapped name: every line of every name has room.
        height = 1.0 + 0.2 * max(len(shown), 1) + 0.14 * max(lines, 1)
        figure = _figure(6.0, height)
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
                color=TEXT,
            )
        ax.set_yticks(positions, labels, parse_math=False)
        ax.invert_yaxis()  # the card's first item at the top, as in the deck
        ax.set_xlim(0, 112)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel(t("teacher.chart.x_axis", lang), fontsize=8, parse_math=False, color=TEXT)
        ax.set_title(t("teacher.chart.title", lang), fontsize=10, parse_math=False, color=TEXT)
        return _png(figure)
