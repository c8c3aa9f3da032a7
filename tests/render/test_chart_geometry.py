"""The report's charts read (issue 17 point 2), checked on the SVG's geometry.

Each chart is drawn at several data sizes in da and en and parsed back: every text's box
(its width estimated from the Helvetica width table in render/svg.py, ascent 0.75 em,
descent 0.25 em, moved and turned by the SVG's own transforms) must not overlap another
text's box, no grid line may run through a text, no text may leave the picture, and every
figure printed on a heatmap cell must fit its cell with a WCAG contrast of at least 4.5.
Contrast is computed here from the WCAG formula, not by the code under test.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from datetime import date

import polars as pl
import pytest

from kunde_cli.render import charts, svg

LANGS = ("da", "en")

Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as in SVG
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def _transform(text: str | None) -> Matrix:
    m = IDENTITY
    for name, args in re.findall(r"(translate|rotate)\(([^)]*)\)", text or ""):
        values = [float(v) for v in re.split(r"[ ,]+", args.strip())]
        if name == "translate":
            x, y = values[0], values[1] if len(values) > 1 else 0.0
            m = _times(m, (1.0, 0.0, 0.0, 1.0, x, y))
        else:
            t = math.radians(values[0])
            m = _times(m, (math.cos(t), math.sin(t), -math.sin(t), math.cos(t), 0.0, 0.0))
    return m


def _apply(m: Matrix, p: Point) -> Point:
    a, b, c, d, e, f = m
    return (a * p[0] + c * p[1] + e, b * p[0] + d * p[1] + f)


class Text:
    def __init__(self, content: str, corners: list[Point], fill: str | None, size: float):
        self.content, self.corners, self.fill, self.size = content, corners, fill, size

    def centre(self) -> Point:
        xs, ys = zip(*self.corners, strict=True)
        return (sum(xs) / 4, sum(ys) / 4)


def _walk(svg_text: str) -> tuple[list[Text], list[tuple[float, float, float, float, str]], list]:
    """Every text (as a quad in picture coordinates), every rect (x, y, w, h, fill) and
    every grid line segment, in picture coordinates."""
    root = ET.fromstring(svg_text)
    texts: list[Text] = []
    rects: list[tuple[float, float, float, float, str]] = []
    grid: list[tuple[Point, Point]] = []

    def visit(node: ET.Element, m: Matrix, size: float, anchor: str, fill: str | None) -> None:
        m = _times(m, _transform(node.get("transform")))
        size = float(node.get("font-size", size))
        anchor = node.get("text-anchor", anchor)
        fill = node.get("fill", fill)
        tag = node.tag
        if tag == "text":
            content = "".join(node.itertext()).strip()
            x, y = float(node.get("x", 0)), float(node.get("y", 0))
            w = svg.text_width(content, size, bold=node.get("font-weight") == "bold")
            left = x - w / 2 if anchor == "middle" else (x - w if anchor == "end" else x)
            box = [
                (left, y - 0.75 * size),
                (left + w, y - 0.75 * size),
                (left + w, y + 0.25 * size),
                (left, y + 0.25 * size),
            ]
            texts.append(Text(content, [_apply(m, p) for p in box], fill, size))
            return
        if tag == "rect" and node.get("x") is not None:
            x, y = _apply(m, (float(node.get("x")), float(node.get("y"))))
            rects.append((x, y, float(node.get("width")), float(node.get("height")), fill or ""))
        if tag == "path" and node.get("stroke") == svg.GRID_COLOR:
            for move, vh, to in re.findall(r"M([\d.,-]+)([VH])([\d.-]+)", node.get("d", "")):
                x, y = (float(v) for v in move.split(","))
                end = (x, float(to)) if vh == "V" else (float(to), y)
                grid.append((_apply(m, (x, y)), _apply(m, end)))
        for child in node:
            visit(child, m, size, anchor, fill)

    visit(root, IDENTITY, 16.0, "start", None)
    return texts, rects, grid


def _separated(p: list[Point], q: list[Point]) -> bool:
    """Separating-axis test for two convex polygons (a segment is a 2-point polygon)."""
    for poly in (p, q):
        for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
            nx, ny = y2 - y1, x1 - x2
            if nx == ny == 0:
                continue
            a = [nx * x + ny * y for x, y in p]
            b = [nx * x + ny * y for x, y in q]
            if max(a) <= min(b) + 1e-6 or max(b) <= min(a) + 1e-6:
                return True
    return False


def _wcag(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    hex_ = {"white": "ffffff", "black": "000000"}.get(colour, colour.lstrip("#"))
    if len(hex_) == 3:
        hex_ = "".join(ch * 2 for ch in hex_)
    r, g, b = (int(hex_[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_wcag(a), _wcag(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def check_reads(out: str) -> list[Text]:
    """Assert the chart's texts do not overlap, sit off the grid and inside the picture."""
    assert out.startswith("<svg"), out[:80]
    texts, _, grid = _walk(out)
    for a, b in itertools.combinations(texts, 2):
        assert _separated(a.corners, b.corners), f"{a.content!r} overlaps {b.content!r}"
    for t in texts:
        for line in grid:
            assert _separated(t.corners, list(line)), f"grid line through {t.content!r}"
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', out).groups())
    for t in texts:
        for x, y in t.corners:
            assert -0.5 <= x <= width + 0.5 and -0.5 <= y <= height + 0.5, (t.content, x, y)
    return texts


# --- the checker can fail ----------------------------------------------------------------------


def test_the_checker_sees_overlapping_labels_and_a_grid_line_through_text():
    # "22%" centred at 366.67 and "24%" pulled inside the axis end at 400: the "22%24%".
    clash = (
        '<svg viewBox="0 0 500 100"><g font-size="11">'
        '<text x="366.67" y="20" text-anchor="middle">22%</text>'
        '<text x="400" y="20" text-anchor="end">24%</text></g></svg>'
    )
    with pytest.raises(AssertionError, match="overlaps"):
        check_reads(clash)
    through = (
        '<svg viewBox="0 0 500 100"><path d="M0,18.5H500" fill="none" stroke="#e6e6e6"/>'
        '<text x="100" y="20" font-size="8">12%</text></svg>'
    )
    with pytest.raises(AssertionError, match="grid line"):
        check_reads(through)
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    # The old heatmap's dark grey (#333) text on a dark green cell does not read.
    assert _contrast("#333333", svg.GREENS[-2]) < 4.5


# --- the charts at several sizes ---------------------------------------------------------------


SEGMENT_KEYS = [
    "champion",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
]


def _segments(n: int, top: float) -> pl.DataFrame:
    shares = [top * (i + 1) / n for i in range(n)]
    return pl.DataFrame(
        {
            "segment": SEGMENT_KEYS[:n],
            "customers": [10 * (i + 1) for i in range(n)],
            "share_customers": shares[::-1],
            "share_revenue": shares,
        }
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("n", [1, 4, 11])
@pytest.mark.parametrize("top", [0.03, 0.24, 0.37, 0.5, 1.0])
def test_segment_chart_reads(lang, n, top):
    texts = check_reads(charts.segment_chart(_segments(n, top), lang=lang))
    ticks = [t.content for t in texts if t.content.endswith("%")]
    assert len(ticks) >= 2  # the axis is labelled at least at both ends


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("counts", [[0, 1, 0, 0, 0], [475, 9404, 997, 12, 3], [1] * 5])
def test_ladder_funnel_reads(lang, counts):
    change = pl.DataFrame(
        {
            "rung": ["potential", "first_time", "repeat", "loyal", "ambassador"],
            "customers_now": counts,
            "change": [c // 3 - 1 for c in counts],
        }
    )
    check_reads(charts.ladder_funnel(change, lang=lang))


def _cohorts(n_cohorts: int, n_months: int, top: float) -> pl.DataFrame:
    rows = []
    for i in range(n_cohorts):
        first = date(2020 + (i // 12), i % 12 + 1, 1)
        for month in range(min(n_months, n_cohorts - i)):
            share = 1.0 if month == 0 else top * ((i * 7 + month * 13) % 23) / 22
            rows.append({"cohort": first, "month_offset": month, "share": share, "customers": 9})
    return pl.DataFrame(rows)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("n_cohorts", "n_months", "max_months", "top"),
    [(1, 1, 13, 0.2), (3, 3, 13, 0.9), (8, 8, 13, 0.24), (24, 13, 13, 0.22), (30, 20, 20, 0.6)],
)
def test_cohort_heatmap_reads_with_contrast(lang, n_cohorts, n_months, max_months, top):
    out = charts.cohort_heatmap(
        _cohorts(n_cohorts, n_months, top), lang=lang, max_months=max_months
    )
    texts = check_reads(out)
    _, rects, _ = _walk(out)
    cells = [r for r in rects if r[4] != "" and not r[4].startswith("url(")]

    def cell_of(t: Text):
        cx, cy = t.centre()
        inside = [c for c in cells if c[0] <= cx <= c[0] + c[2] and c[1] <= cy <= c[1] + c[3]]
        return inside[0] if inside else None

    # A figure is a text on a cell, whatever its colour.
    figures = [t for t in texts if cell_of(t) is not None]
    # Each figure sits in its cell, fits it and reads on its colour (SVG's default
    # text colour is black).
    for t in figures:
        x, y, w, h, fill = cell_of(t)
        for px, py in t.corners:
            assert x <= px <= x + w and y <= py <= y + h, (t.content, (x, y, w, h))
        assert _contrast(t.fill or "#000000", fill) >= 4.5, (t.content, t.fill, fill)
        assert t.size >= charts.CELL_FONT_MIN
    if figures:
        assert len(figures) == len(cells)  # every cell labelled, or none
    else:
        # Too small to label: every cell still tells its figure on hover.
        assert out.count("<title>") >= len(cells) > 0
    # The colour legend is there either way.
    assert "linearGradient" in out


def test_a_full_heatmap_labels_its_cells():
    # 24 cohorts × 13 months, the report's size: the figures are drawn (10 px).
    out = charts.cohort_heatmap(_cohorts(24, 13, 0.2), lang="da")
    texts, _, _ = _walk(out)
    figures = [t for t in texts if t.content.endswith("%") and t.size == charts.CELL_FONT]
    assert len(figures) == sum(min(13, 24 - i) for i in range(24))
    assert {t.size for t in figures} == {charts.CELL_FONT}
    # The darkest greens get white text, the palest and month 0's grey black.
    assert {t.fill for t in figures} == {"#000000", "#ffffff"}


def _trend(months: int) -> pl.DataFrame:
    days = [date(2022 + m // 12, m % 12 + 1, 1) for m in range(months)]
    nps = [float((m * 37) % 180 - 90) for m in range(months)]
    return pl.DataFrame(
        {
            "period_start": days,
            "nps": nps,
            "ci_low": [max(-100.0, v - 20) for v in nps],
            "ci_high": [min(100.0, v + 20) for v in nps],
            "n": [40] * months,
            "small_n": [m % 3 == 0 for m in range(months)],
        }
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("months", [1, 2, 7, 13, 24, 36, 60])
def test_nps_trend_reads(lang, months):
    check_reads(charts.nps_trend(_trend(months), lang=lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("bands", [1, 3, 11, 25])
def test_value_distribution_reads(lang, bands):
    lower = [500.0 * i for i in range(bands)]
    distribution = pl.DataFrame(
        {
            "lower": lower,
            "upper": [v + 500.0 for v in lower[:-1]] + [None],
            "customers": [8216 // (i + 1) for i in range(bands)],
        }
    )
    check_reads(charts.value_distribution_chart(distribution, lang=lang))


# --- nothing to draw: one line, no frame -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_series_is_one_line_not_an_empty_chart(lang):
    empty = [
        charts.segment_chart(_segments(3, 0.5).head(0), lang=lang),
        charts.ladder_funnel(
            pl.DataFrame({"rung": ["potential"], "customers_now": [0], "change": [0]}), lang=lang
        ),
        charts.cohort_heatmap(_cohorts(2, 2, 0.5).head(0), lang=lang),
        charts.nps_trend(_trend(3).head(0), lang=lang),
        charts.value_distribution_chart(
            pl.DataFrame({"lower": [0.0], "upper": [None], "customers": [0]}), lang=lang
        ),
    ]
    for out in empty:
        assert "<svg" not in out
        assert re.fullmatch(r'<p class="chart-empty">[^<>\n]+</p>', out), out
    said = {"da": "Ingen ordrer i perioden", "en": "No orders in the period"}[lang]
    assert said in empty[0]
