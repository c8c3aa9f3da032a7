"""`kunde explain CUSTOMER`: why a customer has their segment and rung."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Destination, Source

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from rich.console import RenderableType
    from rich.text import Text

    from kunde_cli.analytics.explain import CustomerExplanation

app = typer.Typer(add_completion=False)


def explanation_row(shown: dict[str, Any]) -> dict[str, Any]:
    """The worded explanation (:func:`~kunde_cli.words.explain.worded_explanation`) as one
    flat row (csv, parquet, xlsx)."""
    row: dict[str, Any] = {
        key: value for key, value in shown.items() if key not in ("scores", "recent_orders")
    }
    for band in shown["scores"]:
        letter = {"recency_days": "r", "frequency": "f", "monetary": "m"}[band["metric"]]
        row[f"{letter}_score"] = band["score"]
        row[f"{letter}_lower"] = band["lower"]
        row[f"{letter}_upper"] = band["upper"]
        row[f"{letter}_rule"] = band["rule"]
    return row


def explanation_panel(expl: CustomerExplanation, lang: str, currency: str) -> RenderableType:
    """A Rich panel: facts first, then one line per rule."""
    from rich.panel import Panel
    from rich.text import Text

    from kunde_cli.render.safety import safe_rich_text
    from kunde_cli.words import say
    from kunde_cli.words.explain import worded_explanation

    shown = worded_explanation(expl.to_dict(), lang, currency)
    text = Text()
    _append_facts(text, expl, lang, currency)
    _append_rules(text, expl, shown, lang)
    _append_recent_orders(text, expl, lang, currency)
    title = say("explain_title", lang, when=_day(expl.as_of, lang))
    return Panel(safe_rich_text(text), title=title, expand=False)


def _day(value: date | None, lang: str) -> str:
    """A date as the panel shows it (– when there is none)."""
    from kunde_cli.words import format_date

    return format_date(value, lang) if value is not None else "–"


def _append_facts(text: Text, expl: CustomerExplanation, lang: str, currency: str) -> None:
    """Who the customer is, and their orders, spend, first and last order."""
    from kunde_cli.words import format_money, say

    who = " ".join(v for v in (expl.name, f"<{expl.email}>" if expl.email else None) if v)
    text.append(f"{expl.customer_id}  {who}\n", style="bold")
    facts = say(
        "explain_facts",
        lang,
        orders=expl.orders,
        not_counted=expl.orders_not_counted,
        spent=format_money(expl.revenue, lang, currency),
        first=_day(expl.first_order, lang),
        last=_day(expl.last_order, lang),
    )
    text.append(f"{facts}\n")
    text.append("\n")


def _append_rules(text: Text, expl: CustomerExplanation, shown: dict[str, Any], lang: str) -> None:
    """One line per rule: the scores, the segment (and its action), the rung, activity."""
    from kunde_cli.words import label

    for band in shown["scores"]:
        text.append(f"  {band['rule']}\n")
    seg_label = label(expl.segment, lang) if expl.segment else "–"
    text.append(f"\n{label('segment', lang)}: ", style="bold")
    text.append(f"{seg_label}\n  {shown['segment_rule']}\n")
    if shown["action"]:
        text.append(f"  {label('action', lang)}: {shown['action']}\n")
    text.append(f"\n{label('rung', lang)}: ", style="bold")
    text.append(f"{label(expl.rung, lang)}\n  {shown['ladder_rule']}\n")
    if shown["activity_rule"]:
        text.append(f"\n{label('explain_activity', lang)}: ", style="bold")
        text.append(f"{shown['activity_rule']}\n")


def _append_recent_orders(text: Text, expl: CustomerExplanation, lang: str, currency: str) -> None:
    """The latest orders, those that do not count marked."""
    from kunde_cli.words import format_money, label

    if not expl.recent_orders:
        return
    text.append(f"\n{label('explain_latest_orders', lang)}:\n", style="bold")
    for order in expl.recent_orders:
        mark = "" if order.counted else f" {label('explain_not_counted', lang)}"
        text.append(
            f"  {_day(order.order_date, lang)}  {order.order_id}  "
            f"{format_money(order.net_amount, lang, currency)}  {order.status or ''}{mark}\n"
        )


# --- the command's own options ----------------------------------------------------------

Customer = Annotated[
    str, typer.Argument(help="Customer id, e-mail or part of the name.", show_default=False)
]


@app.command("explain")
@options.writes_output()
@options.reads_data
def explain_command(
    data: Source,
    out: Destination,
    customer: Customer,
) -> None:
    """Explain one customer: orders, R/F/M and their bands, segment rule, ladder rule.

    Finds the customer by id, e-mail (any case) or part of the name; when several match, lists up to five so you can pick. --format json gives the full explanation (nested); csv/parquet/xlsx give one flat row.

    Example: kunde explain anna@example.dk ordrer.csv
    """
    import polars as pl

    from kunde_cli.analytics.explain import explain_customer
    from kunde_cli.cli import common
    from kunde_cli.render.formats import OutputFormat
    from kunde_cli.words.explain import worded_explanation

    loaded = common.load_source(data)
    cfg, lg = loaded.config, loaded.lang
    expl = explain_customer(
        loaded.orders,
        customer,
        as_of=loaded.as_of,
        config=cfg,
        survey=loaded.survey,
        tiers=common.churn_tier_frame(loaded.orders, loaded.as_of, cfg),
    )
    chosen = out.format
    if chosen is OutputFormat.table:
        _write(explanation_panel(expl, lg, cfg.currency), out.output)
        return
    shown = worded_explanation(expl.to_dict(), lg, cfg.currency)
    if chosen is OutputFormat.json:
        _write(_json_text(shown), out.output)
    else:
        common.emit(pl.DataFrame([explanation_row(shown)]), out, loaded)


def _json_text(shown: dict[str, Any]) -> bytes:
    """The full worded explanation (nested) as JSON, numbers rounded as in every file."""
    import json

    from kunde_cli.render.formats import rounded_json

    payload = rounded_json(shown)
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write(content: RenderableType | bytes, output: Path | None) -> None:
    """A panel (printed as Rich prints it) or bytes, to stdout or to ``output``."""
    import io
    import sys

    from kunde_cli.render.formats import atomic_write_bytes
    from kunde_cli.render.terminal import print_table

    if not isinstance(content, bytes):
        if output is None:
            print_table(content, file=sys.stdout)
            return
        sink = io.StringIO()
        print_table(content, file=sink)
        content = sink.getvalue().encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        atomic_write_bytes(output, content)
