"""Drawing primitives for the report's charts: scales, ticks, axes and text, as SVG text.

The charts (:mod:`kunde_cli.render.charts`) are five small, fixed designs, so they are
drawn here directly rather than through a charting library: no JavaScript engine to
start, no schema to validate, a few milliseconds per chart. The look follows Vega-Lite's
defaults, which the charts were first drawn with: grey axis lines (``#888``), light
grid (``#e6e6e6``), 11 px sans-serif labels, bold axis titles, round tick steps (the
same 1-2-5 rule as d3's ``ticks``) and an 8 px padding round the chart.

Everything here is plain Python on small lists; nothing is imported that ``kunde
--help`` would pay for. Coordinates are written with at most two decimals, so the same
data gives the same bytes, and every text is escaped.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from datetime import date
from html import escape

FONT_SIZE = 11
AXIS_COLOR = "#888"
GRID_COLOR = "#e6e6e6"
#: Space round the whole chart.
PAD = 8
#: Axis tick length and the gap between tick and label.
TICK = 5
LABEL_PAD = 2
#: Gap between a y axis' labels and its (rotated) title.
TITLE_PAD = 4

# Advance widths of Helvetica/Arial in 1/1000 em. Label widths decide the margins; a
# reader's browser draws the generic sans-serif with Arial or Helvetica (Windows, macOS)
# or often DejaVu Sans (Linux), which is about 14 % wider — so widths are estimated on
# the wide side (``_ROOM``) and labels fit whichever the browser picks.
_WIDTHS: dict[str, int] = {
    **dict.fromkeys(" !,./:;I[\\]fjilt|", 278),
    **dict.fromkeys("ijl", 222),
    **dict.fromkeys("0123456789#$?_abdeghnopqu", 556),
    **dict.fromkeys("ckszvxyJ", 500),
    **dict.fromkeys("-()`r", 333),
    **dict.fromkeys("ABEKPSVXY", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("mM", 833),
    **dict.fromkeys("%\u00e6", 889),  # % and ae (the Danish letter)
    **dict.fromkeys("+<=>~−±", 584),
    "W": 944,
    "L": 556,
    "&": 667,
    "*": 389,
    "'": 191,
    '"': 355,
    "@": 1015,
    # The Danish letters, written by code point: o-slash, a-ring, AE, O-slash, A-ring.
    "\u00f8": 611,
    "\u00e5": 556,
    "\u00c6": 1000,
    "\u00d8": 778,
    "\u00c5": 667,
    "–": 556,
    "—": 1000,
}
_DEFAULT_WIDTH = 556
_BOLD = 1.08
_ROOM = 1.14


def text_width(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """The room ``text`` takes at ``size`` pixels: Arial's width, plus 14 % so that
    wider sans-serif fonts (DejaVu Sans) fit too."""
    units = sum(_WIDTHS.get(ch, _DEFAULT_WIDTH) for ch in text)
    return units * size / 1000 * _ROOM * (_BOLD if bold else 1.0)


def num(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros, never ``-0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def esc(text: str) -> str:
    return escape(text, quote=True)


def minus(text: str) -> str:
    """A typographic minus sign for a formatted negative number (``−50``)."""
    return "−" + text[1:] if text.startswith("-") else text


# --- scales and ticks ---------------------------------------------------------------------

_E10, _E5, _E2 = math.sqrt(50), math.sqrt(10), math.sqrt(2)


def tick_step(start: float, stop: float, count: int) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving about ``count`` ticks (d3's ``tickStep``)."""
    raw = abs(stop - start) / max(count, 1)
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = math.floor(math.log10(raw))
    error = raw / 10**power
    factor = 10 if error >= _E10 else 5 if error >= _E5 else 2 if error >= _E2 else 1
    return factor * 10.0**power


def nice(start: float, stop: float, count: int = 10) -> tuple[float, float]:
    """``[start, stop]`` widened to round ticks (d3's ``linear.nice``; Vega's scales
    nice to 10 ticks whatever the axis then shows)."""
    if stop <= start:
        stop = start + 1.0
    previous = None
    for _ in range(10):
        step = tick_step(start, stop, count)
        if step == previous:
            break
        start, stop = math.floor(start / step) * step, math.ceil(stop / step) * step
        previous = step
    return _clean(start), _clean(stop)


def ticks(start: float, stop: float, count: int) -> tuple[list[float], float]:
    """Round values between ``start`` and ``stop`` (about ``count``), and their step."""
    step = tick_step(start, stop, count)
    first, last = math.ceil(start / step - 1e-9), math.floor(stop / step + 1e-9)
    return [_clean(i * step) for i in range(first, last + 1)], step


def _clean(value: float) -> float:
    return round(value, 10) + 0.0


def decimals(step: float) -> int:
    """Decimals needed to tell ticks ``step`` apart (d3's ``precisionFixed``)."""
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0


def linear(domain: tuple[float, float], span: tuple[float, float]) -> Callable[[float], float]:
    """A linear scale from ``domain`` to the pixel ``span``."""
    (d0, d1), (r0, r1) = domain, span
    k = (r1 - r0) / (d1 - d0) if d1 != d0 else 0.0
    return lambda v: r0 + (v - d0) * k


def month_ticks(first: date, last: date, width: float) -> list[date]:
    """Month starts between ``first`` and ``last``, every 1, 2, 3, 6, 12 … months —
    the smallest step giving at most one tick per 40 px (as d3's time ticks would)."""
    most = max(1, math.ceil(width / 40))
    start, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
    if first.day > 1:
        start += 1
    months: list[int] = []
    for step in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600):
        months = [m for m in range(start, end + 1) if m % step == 0]
        if len(months) <= most:
            break
    return [date(m // 12, m % 12 + 1, 1) for m in months]


def colour_scale(stops: Sequence[str]) -> Callable[[float], str]:
    """``t`` in 0..1 to a colour interpolated in RGB between equally spaced ``stops``."""
    rgb = [tuple(int(s[i : i + 2], 16) for i in (1, 3, 5)) for s in stops]
    last = len(rgb) - 1

    def colour(t: float) -> str:
        t = min(max(t, 0.0), 1.0) * last
        i = min(int(t), last - 1)
        f = t - i
        r, g, b = (round(a + (c - a) * f) for a, c in zip(rgb[i], rgb[i + 1], strict=True))
        return f"#{r:02x}{g:02x}{b:02x}"

    return colour


#: Vega's continuous "greens" scheme (vega-scale), light to dark.
GREENS = (
    "#d3eecd",
    "#c0e6ba",
    "#abdda5",
    "#94d391",
    "#7bc77d",
    "#60ba6c",
    "#46ab5e",
    "#329a51",
    "#208943",
    "#0e7735",
    "#036429",
)


# --- axes -----------------------------------------------------------------------------------


# --- labels that never overlap ---------------------------------------------------------------

#: Least room between two neighbouring labels on an axis, in pixels.
LABEL_GAP = 4.0


def anchor_at(x: float, text: str, *, width: float, flush: bool, size: float = FONT_SIZE) -> str:
    """How a label at ``x`` is anchored: centred, or — with ``flush`` — pulled inside
    an axis of ``width`` at either end."""
    half = text_width(text, size) / 2
    if flush and x - half < 0:
        return "start"
    if flush and x + half > width:
        return "end"
    return "middle"


def label_span(x: float, text: str, anchor: str, size: float = FONT_SIZE) -> tuple[float, float]:
    """The horizontal room (left, right) of ``text`` anchored at ``x``."""
    w = text_width(text, size)
    if anchor == "start":
        return x, x + w
    if anchor == "end":
        return x - w, x
    return x - w / 2, x + w / 2


def apart(spans: Sequence[tuple[float, float]], gap: float = LABEL_GAP) -> bool:
    """Whether the spans, in axis order, leave at least ``gap`` between neighbours."""
    ordered = sorted(spans)
    return all(b[0] - a[1] >= gap for a, b in itertools.pairwise(ordered))


def _spans(
    positions: Sequence[float],
    labels: Sequence[str | None],
    *,
    width: float,
    flush: bool,
    vertical: bool,
) -> list[tuple[float, float]]:
    if vertical:
        return [
            (p - FONT_SIZE / 2, p + FONT_SIZE / 2)
            for p, t in zip(positions, labels, strict=True)
            if t
        ]
    return [
        label_span(p, t, anchor_at(p, t, width=width, flush=flush))
        for p, t in zip(positions, labels, strict=True)
        if t is not None
    ]


def fitted_ticks(
    start: float,
    stop: float,
    length: float,
    fmt: Callable[[float, float], str],
    *,
    flush: bool = True,
    vertical: bool = False,
    most: int | None = None,
) -> tuple[list[float], list[str | None]]:
    """Round ticks from ``start`` to ``stop`` along an axis ``length`` pixels long whose
    labels (``fmt(value, step)``) do not overlap: the most ticks (at most one per 40 px,
    or ``most``) that leave :data:`LABEL_GAP` between neighbours, anchors included.
    ``vertical`` axes need a line of text per label. If even two ticks collide, every
    other label is hidden (:func:`thinned`)."""
    count = max(1, most if most is not None else int(length // 40))
    scale = linear((start, stop), (0.0, length))
    while True:
        values, step = ticks(start, stop, count)
        labels: list[str | None] = [fmt(v, step) for v in values]
        at = [scale(v) for v in values]
        if apart(_spans(at, labels, width=length, flush=flush, vertical=vertical)):
            return values, labels
        if count == 1:
            return values, thinned(at, labels, width=length, flush=flush, vertical=vertical)
        count -= 1


def thinned(
    positions: Sequence[float],
    labels: Sequence[str | None],
    *,
    width: float,
    flush: bool = False,
    vertical: bool = False,
    angle: float = 0,
) -> list[str | None]:
    """``labels`` with every 2nd (4th, 8th …) one hidden (``None``) until the rest do
    not overlap (Vega's "parity" rule); the first label always stays. Labels turned by
    ``angle`` degrees are parallel: they need a line of text between their baselines."""
    every = 1
    while True:
        kept = [t if i % every == 0 else None for i, t in enumerate(labels)]
        if angle:
            at = [p for p, t in zip(positions, kept, strict=True) if t is not None]
            room = (FONT_SIZE + LABEL_GAP / 2) / math.sin(math.radians(abs(angle)))
            fits = all(b - a >= room for a, b in itertools.pairwise(sorted(at)))
        else:
            spans = _spans(positions, kept, width=width, flush=flush, vertical=vertical)
            fits = apart(spans)
        if fits or every >= len(labels):
            return kept
        every *= 2


# --- colour and contrast ------------------------------------------------------------------


def luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill`` (one of them always
    has a contrast of at least 4.5)."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"


def grid(xs: Sequence[float] = (), ys: Sequence[float] = (), *, width: float, height: float) -> str:
    """Light grid lines at ``xs`` (vertical) and ``ys`` (horizontal)."""
    d = "".join(f"M{num(x + 0.5)},0V{num(height)}" for x in xs)
    d += "".join(f"M0,{num(y + 0.5)}H{num(width)}" for y in ys)
    return f'<path d="{d}" fill="none" stroke="{GRID_COLOR}"/>' if d else ""


def axis_bottom(
    positions: Sequence[float],
    labels: Sequence[str | None],
    *,
    y: float,
    width: float,
    flush: bool = False,
    angle: float = 0,
    title: str | None = None,
    title_y: float | None = None,
) -> str:
    """An x axis at ``y``: domain line, ticks, labels (``None`` hides one) and a title.

    ``flush`` aligns labels near the ends inside the axis; ``angle`` (degrees) turns
    the labels, anchored at their end.
    """
    d = f"M0,{num(y + 0.5)}H{num(width)}" + "".join(
        f"M{num(x + 0.5)},{num(y)}v{TICK}" for x in positions
    )
    parts = [f'<path d="{d}" fill="none" stroke="{AXIS_COLOR}"/>']
    texts = []
    for x, text in zip(positions, labels, strict=True):
        if text is None:
            continue
        if angle:
            texts.append(
                f'<text text-anchor="end" transform="translate({num(x)},{num(y + TICK + LABEL_PAD)})'
                f' rotate({num(angle)}) translate(0,9)">{esc(text)}</text>'
            )
            continue
        anchor = anchor_at(x, text, width=width, flush=flush)
        texts.append(
            f'<text x="{num(x)}" y="{num(y + 16)}" text-anchor="{anchor}">{esc(text)}</text>'
        )
    parts.append("<g>" + "".join(texts) + "</g>")
    if title:
        at = y + 31 if title_y is None else title_y
        parts.append(
            f'<text x="{num(width / 2)}" y="{num(at)}" text-anchor="middle" font-weight="bold">'
            f"{esc(title)}</text>"
        )
    return "".join(parts)


def axis_left(
    positions: Sequence[float],
    labels: Sequence[str | None],
    *,
    height: float,
    title: str | None = None,
) -> str:
    """A y axis at x = 0: domain line, ticks, right-aligned labels (``None`` hides one)
    and a turned title."""
    d = f"M0.5,0V{num(height)}" + "".join(f"M0,{num(y + 0.5)}h-{TICK}" for y in positions)
    texts = "".join(
        f'<text x="-{TICK + LABEL_PAD}" y="{num(y + 3)}">{esc(text)}</text>'
        for y, text in zip(positions, labels, strict=True)
        if text is not None
    )
    out = f'<path d="{d}" fill="none" stroke="{AXIS_COLOR}"/><g text-anchor="end">{texts}</g>'
    if title:
        widest = max((text_width(t) for t in labels if t is not None), default=0)
        x = -(TICK + LABEL_PAD + widest + TITLE_PAD)
        out += (
            f'<text transform="translate({num(x)},{num(height / 2)}) rotate(-90)" '
            f'text-anchor="middle" font-weight="bold">{esc(title)}</text>'
        )
    return out


def left_margin(labels: Sequence[str | None], *, title: bool) -> float:
    """Room left of the plot for ``labels`` (and a turned title)."""
    widest = max((text_width(t) for t in labels if t is not None), default=0)
    room = PAD + TICK + LABEL_PAD + widest
    return math.ceil(room + (FONT_SIZE + TITLE_PAD if title else 0))


def document(title: str, *, width: float, height: float, left: float, top: float, body: str) -> str:
    """The chart as inline SVG: white background, plot area moved to (``left``, ``top``).

    ``title`` is the chart's accessible name (``role="img"`` + ``aria-label``). No
    ``xmlns``: inline SVG in an HTML page needs none, and the page holds no URL.
    """
    w, h = num(math.ceil(width)), num(math.ceil(height))
    return (
        f'<svg role="img" aria-label="{esc(title)}" class="chart" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="white"/>'
        f'<g transform="translate({num(left)},{num(top)})" font-family="sans-serif" '
        f'font-size="{FONT_SIZE}">{body}</g></svg>'
    )


def slug(text: str) -> str:
    """``text`` as an id prefix: lower case letters and digits joined by hyphens."""
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part) or "chart"
