"""The PNG charts: valid, small, fast, identical for identical input, safe with any user text."""

from __future__ import annotations

import io
import struct
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = datetime(2024, 3, 4, 13, 0, tzinfo=UTC)
MONTREAL = ZoneInfo("America/Montreal")


def size_of(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def scores(count: int) -> list[tuple[datetime, float]]:
    return [(START + timedelta(days=day), (day % 5) / 4) for day in range(count)]


@pytest.fixture(autouse=True)
def no_warnings():
    """matplotlib warns about missing glyphs or math errors: none may happen."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_recent_scores_is_a_small_png_and_deterministic():
    png = charts.recent_scores_chart(scores(12), tz=MONTREAL, lang="fr")
    assert size_of(png) == (600, 260)
    assert len(png) < 60_000
    assert png == charts.recent_scores_chart(list(reversed(scores(12))), tz=MONTREAL, lang="fr")
    assert b"matplotlib" not in png  # no software stamp: bytes do not change with the library version


def test_recent_scores_keeps_the_newest_ones_and_speaks_the_language():
    newest = scores(40)[-charts.MAX_SCORES :]
    assert charts.recent_scores_chart(scores(40), tz=MONTREAL, lang="en") == charts.recent_scores_chart(
        newest, tz=MONTREAL, lang="en"
    )
    assert charts.recent_scores_chart(newest, tz=MONTREAL, lang="en") != charts.recent_scores_chart(
        newest, tz=MONTREAL, lang="fr"
    )


def test_dates_are_local_to_the_guild():
    # 02:00 UTC on 5 March is still 4 March in Montreal: the label (and so the image) differs from UTC's.
    late = [(datetime(2024, 3, 5, 2, 0, tzinfo=UTC), 0.5)]
    assert charts.recent_scores_chart(late, tz=MONTREAL, lang="en") != charts.recent_scores_chart(
        late, tz=ZoneInfo("UTC"), lang="en"
    )


def test_empty_and_single_inputs_render():
    assert size_of(charts.recent_scores_chart([], tz=MONTREAL, lang="en")) == (600, 260)
    assert size_of(charts.recent_scores_chart(scores(1), tz=MONTREAL, lang="en"))[0] == 600
    assert size_of(charts.hit_rate_chart([], lang="fr"))[0] == 600


def test_hit_rate_chart_grows_with_the_items_and_takes_any_text():
    items = [
        ("Transparence", 0.9),
        ("Coût: $5 et $x^2$ — pas des maths", 0.4),  # a $ is a dollar, not math mode
        ("Émoji 🎉🧑‍🏫 et \\ backslash {braces} <@123> **gras**", 0.0),
        ("Interactivité : on répond à tout le monde, très vite, partout, toujours", 1.0),
    ]
    png = charts.hit_rate_chart(items, lang="fr")
    width, height = size_of(png)
    assert width == 600 and 200 <= height <= 320  # two names wrapped on two lines
    assert size_of(charts.hit_rate_chart(items * 3, lang="fr"))[1] > height
    assert png == charts.hit_rate_chart(items, lang="fr")
    # More items than MAX_ITEMS are cut, so a huge card cannot make a huge image.
    many = [(f"item {n}", n / 40) for n in range(40)]
    assert charts.hit_rate_chart(many, lang="en") == charts.hit_rate_chart(
        many[: charts.MAX_ITEMS], lang="en"
    )


def test_long_item_names_are_wrapped_whole_and_undrawable_characters_dropped():
    name = "Identification des clientèles et des publics cibles de l'entreprise"
    lines = charts.label_lines(name)
    assert len(lines) > 1 and all(len(line) <= charts.LABEL_WIDTH for line in lines)
    assert " ".join(lines) == name  # wrapped, not cut
    assert charts.label_lines("  two\n lines  ") == ["two lines"]
    assert "\U0001f9d1" not in "".join(charts.label_lines("prof \U0001f9d1\u200d\U0001f3eb ok"))
    absurd = charts.label_lines("word " * 100)  # only a name longer than the lines allow ends with "…"
    assert len(absurd) == charts.LABEL_LINES and absurd[-1].endswith("…")
    # A wrapped name gets room: the chart grows with it.
    short = size_of(charts.hit_rate_chart([("Preuve", 0.5), ("Connexion", 1.0)], lang="fr"))[1]
    long = size_of(charts.hit_rate_chart([(name, 0.5), ("Connexion", 1.0)], lang="fr"))[1]
    assert long > short


def luminance(colour: str | tuple[float, ...]) -> float:
    """WCAG relative luminance of a #rrggbb colour or an RGB(A) tuple of 0–1 floats."""
    if isinstance(colour, str):
        colour = tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in colour[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str | tuple[float, ...], b: str | tuple[float, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "png",
    [
        pytest.param(lambda: charts.recent_scores_chart(scores(12), tz=MONTREAL, lang="en"), id="rank"),
        pytest.param(
            lambda: charts.hit_rate_chart([("Preuve", 0.2), ("Connexion", 0.9)], lang="en"), id="stats"
        ),
    ],
)
def test_charts_read_the_same_on_discords_dark_and_light_themes(png) -> None:
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png()), format="png")
    assert pixels.shape[2] == 3 or float(pixels[..., 3].min()) == 1.0  # opaque: the theme never shows through
    corner = tuple(float(c) for c in pixels[0, 0, :3])
    assert contrast(corner, charts.BACKGROUND) < 1.01  # the chart's own card
    assert contrast(charts.TEXT, charts.BACKGROUND) >= 4.5  # text, WCAG AA
    for colour in charts.COLOURS:
        assert contrast(colour, charts.BACKGROUND) >= 3.0, colour  # bars, WCAG non-text contrast


def test_safe_from_several_threads():
    # Charts are drawn in worker threads (asyncio.to_thread): the same input gives the same picture from any.
    # Their speed is not a test's business (bench/ measures speed).
    expected = charts.recent_scores_chart(scores(30), tz=MONTREAL, lang="en")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda _: charts.recent_scores_chart(scores(30), tz=MONTREAL, lang="en"), range(8))
        )
    assert all(result == expected for result in results)
