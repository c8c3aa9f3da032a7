"""The HTML report: one self-contained file that opens offline in any browser.

:func:`render_report` turns a :class:`kunde_cli.report.ReportData` into a page made
from the Jinja2 templates in ``templates/`` (``report.html.j2`` with ``report.css``
inlined). Charts are inline SVG from :mod:`kunde_cli.render.charts`; there is no
script, no web font, no image file and no link outside the page, so the report
works from an e-mail attachment, a USB stick or a shop's back office without
internet, prints on A4 and reads on a phone.

Autoescaping is on for everything: customer names, products and survey comments are
data, and ``<script>`` in a name shows as text. Only the SVG produced by the chart
renderer is marked safe.

Numbers are formatted here, in the report's language (``1.234 kr.``, ``12,5 %``), and
each section gets one plain sentence on what it means and what to do next
(:data:`kunde_cli.words.report.TEXT`, also used for the workbook's sheet names and
summary; ``text`` and ``TEXT`` are importable from here too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.render.fits import clv_reasons
from kunde_cli.words.labels import label
from kunde_cli.words.numbers import (
    format_date,
    format_money,
    format_number,
    format_percent,
    format_points,
)
from kunde_cli.words.report import TEXT, text

if TYPE_CHECKING:
    import jinja2
    import polars as pl

    from kunde_cli.report import ReportData

TEMPLATE = "report.html.j2"

# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------


def template_dir() -> Path:
    """Where the report templates are: the installed package data
    (``kunde_cli/_data/templates``, put there by the wheel's force-include) or, in a
    checkout, the repository's top-level ``templates/``."""
    from kunde_cli.errors import KundeError
    from kunde_cli.words.said import said

    package = Path(__file__).resolve().parents[1]
    for folder in (package / "_data" / "templates", package.parent / "templates"):
        if (folder / TEMPLATE).is_file():
            return folder
    raise KundeError(
        said("report_template_missing", template=TEMPLATE),
        hint=said("report_template_missing_hint"),
    )


def environment() -> jinja2.Environment:
    """A Jinja2 environment on :func:`template_dir`, autoescaping every template.

    One per folder and process: the report template is compiled once, not at every
    render (Jinja still reloads a template whose file has changed).
    """
    return _environment(template_dir())


@functools.lru_cache(maxsize=4)
def _environment(folder: Path) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


# --------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------


def _when(day: date | None, lang: str) -> str:
    return format_date(day, lang)


def money0(value: float | None, lang: str, currency: str = "kr.") -> str:
    """Whole kroner: ``1.234.567 kr.`` / ``DKK 1,234,567``."""
    if value is None:
        return "–"
    return format_money(round(value), lang, currency, 0)


def _pct(value: float | None, lang: str, decimals: int = 0) -> str:
    return "–" if value is None else format_percent(value, lang, decimals)


def _num(value: float | None, lang: str, decimals: int = 0) -> str:
    return "–" if value is None else format_number(value, lang, decimals)


def _signed(value: float, lang: str) -> str:
    body = format_number(abs(value), lang, 0)
    return f"−{body}" if value < 0 else body


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and whether it is a number (right-aligned)."""

    text: str
    numeric: bool = False

    @property
    def long(self) -> bool:
        """Long text (an action, a comment) gets a minimum width so it wraps sensibly."""
        return not self.numeric and len(self.text) > 40


@dataclass(frozen=True)
class Table:
    """A small table for the template: header texts and rows of cells."""

    headers: list[Cell]
    rows: list[list[Cell]]
    caption: str | None = None


def table(
    frame: pl.DataFrame,
    lang: str,
    *,
    currency: str = "kr.",
    kinds: dict[str, str] | None = None,
    values: dict[str, Callable[[Any], str]] | None = None,
    headers: dict[str, str] | None = None,
    caption: str | None = None,
) -> Table:
    """Format ``frame`` for a page: labels for headers, numbers in ``lang``.

    ``kinds`` overrides a column's kind (money, money0, percent, points, int, float,
    text); ``values`` maps a column to a function that labels its values.
    """
    from kunde_cli.render.terminal import column_kind, format_cell

    kinds = kinds or {}
    values = values or {}
    headers = headers or {}
    col_kinds = {c: kinds.get(c) or column_kind(c, t) for c, t in frame.schema.items()}
    numeric = {"money", "money0", "percent", "points", "int", "float"}

    def cell(column: str, value: Any) -> Cell:
        kind = col_kinds[column]
        if value is None:
            return Cell("", kind in numeric)
        if column in values:
            return Cell(values[column](value), False)
        if kind == "money0":
            return Cell(money0(value, lang, currency), True)
        if kind == "points":
            return Cell(format_points(value, lang, 1), True)
        if isinstance(value, float) and value != value:
            return Cell("", True)
        return Cell(format_cell(value, kind, lang, currency), kind in numeric)

    head = [Cell(headers.get(c) or label(c, lang), col_kinds[c] in numeric) for c in frame.columns]
    rows = [
        [cell(c, v) for c, v in zip(frame.columns, row, strict=True)] for row in frame.iter_rows()
    ]
    return Table(head, rows, caption)


# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------


def _key_cards(data: ReportData) -> list[dict[str, str]]:
    lg, k = data.lang, data.key
    none = text("k_none", lg)
    cards = [
        {
            "label": text("k_customers", lg),
            "value": format_number(k.customers, lg),
            "sub": text("k_customers_sub", lg),
        },
        {
            "label": text("k_revenue", lg),
            "value": money0(k.revenue, lg, data.currency),
            "sub": text("k_revenue_sub", lg, orders=format_number(k.orders, lg)),
        },
        {
            "label": text("k_repurchase", lg),
            "value": _pct(k.repurchase_rate, lg),
            "sub": text("k_repurchase_sub", lg),
        },
        {
            "label": text("k_retention", lg),
            "value": (none if k.retention_rate is None else format_points(k.retention_rate, lg, 0)),
            "sub": text("k_retention_sub", lg, period=k.retention_period or none),
        },
    ]
    if k.nps is not None:
        cards.append(
            {
                "label": text("k_nps", lg),
                "value": _signed(k.nps.nps, lg),
                "sub": text(
                    "k_nps_sub",
                    lg,
                    low=_signed(k.nps.ci_low, lg),
                    high=_signed(k.nps.ci_high, lg),
                    n=format_number(k.nps.n, lg),
                ),
            }
        )
    else:
        cards.append({"label": text("k_nps", lg), "value": none, "sub": text("k_no_survey", lg)})
    cards.append(
        {
            "label": text("k_inactive", lg),
            "value": _pct(k.share_inactive, lg),
            "sub": text("k_inactive_sub", lg),
        }
    )
    return cards


def _definitions(data: ReportData) -> list[str]:
    """Retention and share inactive, one defining sentence each, under the key figures:
    they count different people (one month's active customers; everyone who ever
    bought), so a high retention beside a high inactive share is no contradiction."""
    from kunde_cli.analytics.retention import DEFAULT_WINDOW_DAYS
    from kunde_cli.words.labels import say

    lg = data.lang
    window = format_number(DEFAULT_WINDOW_DAYS, lg)  # the window the report's rate uses
    period = label("period_month", lg)
    return [
        say("define_retention", lg, period=period, window=window),
        say("define_inactive", lg),
    ]


def _key_sentence(data: ReportData) -> str:
    sentence = _plain_key_sentence(data)
    if data.overview is None:
        return sentence
    from kunde_cli.render.counting import counted_sentence

    return f"{sentence} {counted_sentence(data.overview, data.lang, data.currency)}"


def _plain_key_sentence(data: ReportData) -> str:
    lg, k, rep = data.lang, data.key, data.repurchase
    if k.customers == 0:
        return text("key_sentence_empty", lg)
    customers = format_number(k.customers, lg)
    revenue = money0(k.revenue, lg, data.currency)
    if not rep.repeat_customers or rep.median_days_to_second_order is None:
        return text("key_sentence_no_repeat", lg, customers=customers, revenue=revenue)
    return text(
        "key_sentence",
        lg,
        customers=customers,
        revenue=revenue,
        rate=_pct(k.repurchase_rate, lg),
        days=format_number(rep.median_days_to_second_order, lg),
    )


def _segments_sentence(data: ReportData) -> str:
    rows = {r["segment"]: r for r in data.segments.iter_rows(named=True)}
    best = [rows[s] for s in ("champion", "loyal") if s in rows]
    share_c = sum(r["share_customers"] or 0.0 for r in best)
    share_r = sum(r["share_revenue"] or 0.0 for r in best)
    risky = sum(rows[s]["customers"] for s in ("at_risk", "cant_lose") if s in rows)
    key = "segments_sentence" if risky else "segments_sentence_safe"
    lg = data.lang
    if set(data.left_out.get("segments", ())) & {"champion", "loyal"}:
        # Anonymised, and the best segments' revenue is left out: no share of revenue.
        return text(f"{key}_anon", lg, share_c=_pct(share_c, lg), risky=format_number(risky, lg))
    return text(
        key,
        lg,
        share_c=_pct(share_c, lg),
        share_r=_pct(share_r, lg),
        risky=format_number(risky, lg),
    )


def _ladder_sentence(data: ReportData) -> str:
    from kunde_cli.analytics.ladder import movement_counts
    from kunde_cli.words.actions import rung_name

    lg = data.lang
    moves = movement_counts(data.ladder_flow)  # the sums of the ladder's from × to matrix
    rows = list(data.ladder.iter_rows(named=True))
    below_top = rows[:-1] or rows
    biggest = max(below_top, key=lambda r: r["customers"])
    return text(
        "ladder_sentence",
        lg,
        compare=_when(data.compare, lg),
        up=format_number(moves.get("up", 0), lg),
        down=format_number(moves.get("down", 0), lg),
        inactive=format_number(moves["went_inactive"], lg),
        new=format_number(moves.get("new", 0), lg),
        rung=rung_name(biggest["rung"], lg),
        n=format_number(biggest["customers"], lg),
        step=biggest["next_step"],
    )


def _retention_sentence(data: ReportData) -> str:
    lg, k, rep = data.lang, data.key, data.repurchase
    if k.retention_rate is None or rep.median_days_to_second_order is None:
        return text("retention_sentence_short", lg)
    return text(
        "retention_sentence",
        lg,
        rate=format_points(k.retention_rate, lg, 0),
        period=k.retention_period,
        repeat=_pct(rep.repurchase_rate, lg),
        days=format_number(rep.median_days_to_second_order, lg),
    )


def _churn_sentence(data: ReportData) -> str:
    lg = data.lang
    if data.tiers is None:
        return text("churn_sentence_none", lg)
    overdue = data.tiers.filter(data.tiers["tier"].is_in(["cooling", "inactive"]))
    n = int(overdue["customers"].sum())
    if not n:
        return text("churn_sentence_none", lg)
    if set(data.left_out.get("tiers", ())) & {"cooling", "inactive"}:
        # Anonymised, and a small tier's value is left out: the sentence names no value.
        return text("churn_sentence_anon", lg, overdue=format_number(n, lg))
    return text(
        "churn_sentence",
        lg,
        overdue=format_number(n, lg),
        value=money0(float(overdue["value_at_stake"].sum()), lg, data.currency),
    )


def _nps_sentence(data: ReportData) -> str:
    from kunde_cli.analytics.nps import SMALL_N_THRESHOLD
    from kunde_cli.render.i18n import nps_as_of_note

    lg = data.lang
    if data.nps is None:
        return text("nps_none", lg)
    s = data.nps.summary
    verdict = text("nps_good" if s.nps >= 0 else "nps_bad", lg)
    sentence = text(
        "nps_sentence",
        lg,
        nps=_signed(s.nps, lg),
        low=_signed(s.ci_low, lg),
        high=_signed(s.ci_high, lg),
        n=format_number(s.n, lg),
        verdict=verdict,
    )
    if s.n < SMALL_N_THRESHOLD:
        sentence += text("nps_small", lg)
    return f"{sentence} {nps_as_of_note(data.nps.nps_date, lg)}"


def _clv_sentence(data: ReportData) -> str:
    from kunde_cli.report import CLV_EMPTY, CLV_FAILED, CLV_MODEL

    lg, clv = data.lang, data.clv
    if clv.status == CLV_EMPTY:
        return text("clv_empty_sentence", lg)
    if clv.status == CLV_MODEL:
        return text(
            "clv_model_sentence",
            lg,
            total=money0(clv.total_predicted, lg, data.currency),
            months=clv.horizon_months,
        )
    key = "clv_failed_sentence" if clv.status == CLV_FAILED else "clv_untrusted_sentence"
    return text(key, lg, reasons=clv_reasons(clv, lg))


def _left_out_caption(data: ReportData, table_name: str) -> str | None:
    """The note under a per-group table of an anonymised report that leaves figures out."""
    return text("left_out_note", data.lang) if data.left_out.get(table_name) else None


def _chart_segments(data: ReportData) -> pl.DataFrame:
    """The segments the chart draws: in an anonymised report the segments whose figures
    are left out are one bar, "groups with figures left out" (together at least five
    customers, or the whole shop), with their shares taken from the total."""
    import polars as pl

    hidden = data.left_out.get("segments")
    if not hidden:
        return data.segments
    keys = pl.Series(list(hidden), dtype=pl.String).implode()
    shown = data.segments.filter(~pl.col("segment").is_in(keys))
    merged = data.segments.filter(pl.col("segment").is_in(keys))
    rest = shown.filter(pl.col("customers") > 0).get_column("share_revenue")
    share_revenue = None if rest.null_count() else max(0.0, 1.0 - float(rest.sum()))
    row = pl.DataFrame(
        {
            "segment": ["left_out_groups"],
            "customers": [int(merged.get_column("customers").sum())],
            "share_customers": [float(merged.get_column("share_customers").sum())],
            "share_revenue": [share_revenue],
        },
        schema={
            "segment": pl.String,
            "customers": pl.Int64,
            "share_customers": pl.Float64,
            "share_revenue": pl.Float64,
        },
    )
    return pl.concat([shown.select(row.columns), row])


def _chart_cohorts(data: ReportData) -> pl.DataFrame:
    """The cohorts the heatmap draws: in an anonymised report not those of fewer than
    five customers."""
    import polars as pl

    if not data.left_out.get("cohorts"):
        return data.cohorts
    hidden = pl.Series(list(data.left_out["cohorts"])).implode()
    return data.cohorts.filter(~pl.col("cohort").is_in(hidden))


def chart_calls(data: ReportData) -> dict[str, Callable[[], str]]:
    """The page's charts, each as a call that draws it (inline SVG) from ``data``:
    ``segments``, ``ladder``, ``cohorts``, ``clv`` and, with survey answers, ``nps``.
    :func:`page_context` draws them all; ``bench/render_html.py`` times them one by one.
    """
    import polars as pl

    from kunde_cli.render import charts
    from kunde_cli.report import HEATMAP_COHORTS, HEATMAP_MONTHS

    lg = data.lang
    calls: dict[str, Callable[[], str]] = {
        "segments": lambda: charts.segment_chart(_chart_segments(data), lang=lg),
        "ladder": lambda: charts.ladder_funnel(data.ladder_change, lang=lg),
        "cohorts": lambda: charts.cohort_heatmap(
            _chart_cohorts(data), lang=lg, max_cohorts=HEATMAP_COHORTS, max_months=HEATMAP_MONTHS
        ),
        "clv": lambda: charts.value_distribution_chart(
            data.clv.distribution, lang=lg, currency=data.currency
        ),
    }
    if data.nps is not None:
        trend = data.nps.trend
        if data.left_out.get("nps"):
            # Anonymised: periods of fewer than five answers are not drawn.
            trend = trend.filter(pl.col("nps").is_not_null())
        calls["nps"] = lambda: charts.nps_trend(trend, lang=lg)
    if data.trend is not None:
        months = data.trend
        calls["trend"] = lambda: charts.trend_chart(months, lang=lg, currency=data.currency)
    return calls


def _trend_part(data: ReportData, drawn: dict[str, Callable[[], str]]) -> dict[str, Any] | None:
    """The "Udvikling" / "Trend" section: a sentence, the chart and one line per month
    (None when the report was built without a trend)."""
    import polars as pl
    from markupsafe import Markup

    from kunde_cli.words.labels import say
    from kunde_cli.words.numbers import format_month

    if data.trend is None:
        return None
    lg, trend = data.lang, data.trend
    part: dict[str, Any] = {"title": say("trend_section", lg), "chart": None, "table": None}
    if trend.is_empty():
        part["sentence"] = say("trend_empty", lg, as_of=_when(data.as_of, lg))
        return part
    rows = list(trend.iter_rows(named=True))
    whole = [r for r in rows if not r["partial"]] or rows
    last = whole[-1]
    revenue = trend.get_column("revenue")
    sentence = say(
        "trend_sentence",
        lg,
        months=format_number(trend.height, lg),
        revenue=money0(
            float(revenue.sum()) if not revenue.null_count() else None, lg, data.currency
        ),
        orders=format_number(int(trend.get_column("orders").sum()), lg),
        last=format_month(last["month_start"], lg),
        active=format_number(last["active_customers"], lg),
        new=format_number(last["customers_new"], lg),
        returning=format_number(last["customers_returning"], lg),
    )
    if rows[-1]["partial"]:
        sentence += " " + say(
            "trend_sentence_partial", lg, month=format_month(rows[-1]["month_start"], lg)
        )
    not_over = label("partial", lg).lower()

    def month(row: dict[str, Any]) -> str:
        shown = format_month(row["month_start"], lg)
        return f"{shown} ({not_over})" if row["partial"] else shown

    wanted = [
        c
        for c in (
            "month",
            "revenue",
            "orders",
            "active_customers",
            "customers_new",
            "customers_returning",
            "n",
            "nps",
            "ci_low",
            "ci_high",
        )
        if c in trend.columns
    ]
    shown = trend.with_columns(
        pl.Series("month", [month(r) for r in rows], dtype=pl.String)
    ).select(wanted)
    caption = say("trend_table_caption", lg)
    if data.left_out.get("trend"):
        caption += " " + say("trend_left_out", lg)
    part["sentence"] = sentence
    part["chart"] = Markup(drawn["trend"]())
    part["table"] = table(
        shown,
        lg,
        currency=data.currency,
        kinds={"revenue": "money0", "nps": "float", "ci_low": "float", "ci_high": "float"},
        caption=caption,
    )
    return part


def page_context(data: ReportData) -> dict[str, Any]:
    """Everything the template needs, formatted (numbers, dates, labels, charts)."""
    import polars as pl
    from markupsafe import Markup

    from kunde_cli import __version__
    from kunde_cli.render.answers import answer_parts
    from kunde_cli.report import HEATMAP_COHORTS

    lg, cur = data.lang, data.currency
    drawn = chart_calls(data)

    def seg_label(value: Any) -> str:
        return label(str(value), lg)

    def tier_label(value: Any) -> str:
        return label(f"tier_{value}", lg)

    when = _when(data.as_of, lg)
    since = _when(data.compare, lg)

    segments = table(
        data.segments.filter(pl.col("customers") > 0).select(
            "segment",
            "customers",
            "share_customers",
            "revenue",
            "share_revenue",
            "avg_recency_days",
            "avg_frequency",
            "action",
        ),
        lg,
        currency=cur,
        kinds={"revenue": "money0", "avg_recency_days": "int", "avg_frequency": "float"},
        values={"segment": seg_label},
        caption=_left_out_caption(data, "segments"),
    )
    ladder_table = table(
        data.ladder.join(data.ladder_change, on="rung", how="left", maintain_order="left").select(
            "rung", "customers_before", "customers", "change", "share_revenue", "next_step"
        ),
        lg,
        currency=cur,
        values={"rung": seg_label},
        headers={
            "customers_before": text("ladder_before", lg, compare=since),
            "customers": text("ladder_now", lg, as_of=when),
        },
        caption=_left_out_caption(data, "ladder"),
    )
    retention = table(
        data.retention.tail(12).select(
            "period", "customers_start", "customers_end", "new_customers", "retention_rate"
        ),
        lg,
        kinds={"retention_rate": "points"},
        caption=text("retention_table", lg),
    )
    tiers = (
        table(
            data.tiers.select(
                "tier", "customers", "share_customers", "revenue", "share_revenue", "value_at_stake"
            ),
            lg,
            currency=cur,
            kinds={"revenue": "money0", "value_at_stake": "money0"},
            values={"tier": tier_label},
            caption=_left_out_caption(data, "tiers"),
        )
        if data.tiers is not None
        else None
    )
    candidates = None
    if data.candidates.height:
        wanted = [
            c
            for c in (
                "name",
                "email",
                "tier",
                "segment",
                "days_since_last",
                "orders",
                "value_at_stake",
                "p_alive",
                "action",
            )
            if c in data.candidates.columns
        ]
        candidates = table(
            data.candidates.select(wanted),
            lg,
            currency=cur,
            kinds={"revenue": "money0", "value_at_stake": "money0", "days_since_last": "int"},
            values={"tier": tier_label, "segment": seg_label},
            caption=text(
                "candidates_more", lg, shown=data.candidates.height, total=data.candidates_total
            )
            if data.candidates_total > data.candidates.height
            else None,
        )
    nps: dict[str, Any] | None = None
    if data.nps is not None:
        terms: dict[str, list[str]] = {}
        for row in data.nps.terms.iter_rows(named=True) if data.nps.terms.width else []:
            terms.setdefault(row["nps_category"], []).append(
                f"{row['term']} ({format_number(row['comments'], lg)})"
            )
        nps = {
            "chart": Markup(drawn["nps"]()),
            "terms": [
                {"group": label(group, lg), "terms": items} for group, items in terms.items()
            ],
            "comments": [
                {
                    "group": label(r["nps_category"], lg),
                    "score": r["score"],
                    "date": _when(r["responded_at"], lg),
                    "text": r["comment"],
                }
                for r in data.nps.comments.iter_rows(named=True)
            ],
            "unmatched": (
                text("nps_unmatched", lg, n=format_number(data.nps.unmatched, lg))
                if data.nps.unmatched
                else None
            ),
            "left_out": text("nps_left_out", lg) if data.left_out.get("nps") else None,
        }
    clv_kinds = {
        "revenue_to_date": "money0",
        "avg_revenue_to_date": "money0",
        "avg_simple_clv": "money0",
        "simple_clv_total": "money0",
        "predicted_clv": "money0",
        "value_at_risk": "money0",
        "aov": "money0",
        "avg_lifespan_days": "int",
        "avg_purchases_per_year": "float",
    }
    clv_columns = [
        c
        for c in (
            "segment",
            "customers",
            "revenue_to_date",
            "aov",
            "avg_purchases_per_year",
            "avg_simple_clv",
            "predicted_clv",
            "value_at_risk",
        )
        if c in data.clv.by_segment.columns
    ]
    clv_table = table(
        data.clv.by_segment.select(clv_columns),
        lg,
        currency=cur,
        kinds=clv_kinds,
        values={"segment": seg_label},
        caption=_left_out_caption(data, "clv"),
    )
    cohorts = _chart_cohorts(data)
    heatmap_cohorts = min(
        HEATMAP_COHORTS, cohorts.get_column("cohort").n_unique() if cohorts.height else 0
    )
    cohort_caption = text("cohort_caption", lg, cohorts=heatmap_cohorts)
    if data.left_out.get("cohorts"):
        cohort_caption += " " + text("cohorts_left_out", lg)
    return {
        "lang": lg,
        "t": {key: text(key, lg) for key in TEXT if "{" not in TEXT[key][0]},
        "title": text("title", lg),
        "as_of": text("as_of", lg, as_of=when),
        "compared": text("compared", lg, compare=since),
        "anonymised": text("anonymised", lg) if data.anonymised else None,
        "footer": text("generated_by", lg, version=__version__),
        "cards": _key_cards(data),
        "trend": _trend_part(data, drawn),
        "answers": answer_parts(data),
        "key_sentence": _key_sentence(data),
        "definitions": _definitions(data),
        "segments_sentence": _segments_sentence(data),
        "segments_chart": Markup(drawn["segments"]()),
        "segments": segments,
        "ladder_sentence": _ladder_sentence(data),
        "ladder_chart": Markup(drawn["ladder"]()),
        "ladder": ladder_table,
        "retention_sentence": _retention_sentence(data),
        "cohort_chart": Markup(drawn["cohorts"]()),
        "cohort_caption": cohort_caption,
        "retention": retention,
        "churn_sentence": _churn_sentence(data),
        "tiers": tiers,
        "candidates_title": text(
            "candidates_title", lg, top=format_number(max(data.candidates.height, 0), lg)
        ),
        "candidates": candidates,
        "nps_sentence": _nps_sentence(data),
        "nps": nps,
        "nps_comments_hidden": text("nps_comments_hidden", lg) if data.anonymised else None,
        "clv_sentence": _clv_sentence(data),
        "clv_chart": Markup(drawn["clv"]()),
        "clv": clv_table,
        "personas_sentence": text("personas_sentence" if data.personas else "personas_none", lg),
        "personas": [
            {
                "name": card.name,
                "group": label(card.group, lg),
                "rows": [
                    (label("persona_who", lg), card.who),
                    (label("persona_buys", lg), card.buys),
                    (label("persona_how_often", lg), card.how_often),
                    (label("persona_what_to_do", lg), card.what_to_do),
                ],
            }
            for card in data.personas
        ],
    }


def render_report(data: ReportData) -> str:
    """The report as one self-contained HTML page (str)."""
    return environment().get_template(TEMPLATE).render(**page_context(data))


def report_html_bytes(data: ReportData) -> bytes:
    """:func:`render_report` as UTF-8 bytes, ready for an atomic write."""
    return render_report(data).encode("utf-8")
