"""How `kunde inspect` shows a file: detected settings, mapping, sample rows, problems.

Everything taken from the file (its name, column headers, cells, notes) is shown with
control characters escaped and never read as Rich markup
(:func:`kunde_cli.render.safety.safe_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl
from rich.console import Console
from rich.table import Table

from kunde_cli import schema as s
from kunde_cli.render.counting import counted_sentence, overview_json, status_frame
from kunde_cli.render.safety import safe_text
from kunde_cli.render.terminal import SafeConsole, rich_table
from kunde_cli.words import inspect as words_inspect
from kunde_cli.words.labels import label
from kunde_cli.words.lang import DEFAULT_LANG
from kunde_cli.words.said import word

if TYPE_CHECKING:
    from kunde_cli.ingest import IngestResult


def _t(key: str, lang: str) -> str:
    return words_inspect.inspect_text(key, lang)


def _detected_dict(result: IngestResult, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """What was detected; its notes (and the amount's reading) in ``lang``."""
    out = result.details()
    out["notes"] = [word(note, lang) for note in out.get("notes") or []]
    if out.get("amount_reason") is not None:
        out["amount_reason"] = word(out["amount_reason"], lang)
    if result.kind != "survey":
        from kunde_cli.store.overlap import source_name

        # The shop system `kunde ingest` would store these orders under (--source).
        out["source"] = source_name(None, out.get("preset"))
    return out


def problem_summary(rejects: pl.DataFrame) -> pl.DataFrame:
    """Rejects grouped by column and reason (its code), with the count and the first row
    numbers (:func:`kunde_cli.words.inspect.worded_reasons` words the reasons)."""
    if rejects.is_empty():
        return pl.DataFrame(
            schema={
                "column": pl.String,
                "reason": pl.String,
                "rows": pl.Int64,
                "first_rows": pl.String,
                "example": pl.String,
            }
        )
    return (
        rejects.group_by(s.REJECT_COLUMN, s.REJECT_REASON, maintain_order=True)
        .agg(
            pl.len().alias("rows"),
            pl.col(s.REJECT_ROW).sort().head(5).cast(pl.String).str.join(", ").alias("first_rows"),
            pl.col(s.REJECT_VALUE).drop_nulls().first().alias("example"),
        )
        .sort("rows", descending=True)
    )


def sample_table(sample: pl.DataFrame, *, lang: str = DEFAULT_LANG) -> Table:
    """Parsed sample rows turned on their side: one line per field, one column per row.

    Export rows are wide (15+ fields); a field-per-line view stays readable at 80 columns.
    """
    from kunde_cli.render.terminal import column_kind, format_cell

    table = Table(title=_t("sample", lang), title_justify="left")
    table.add_column(_t("field", lang))
    rows_label = _t("row", lang)
    row_numbers = (
        sample[s.SOURCE_ROW].to_list()
        if s.SOURCE_ROW in sample.columns
        else list(range(1, sample.height + 1))
    )
    for number in row_numbers:
        table.add_column(safe_text(f"{rows_label} {number}"), overflow="fold", max_width=28)
    for name, dtype in sample.schema.items():
        if name in (s.SOURCE_FILE, s.SOURCE_ROW) or sample[name].null_count() == sample.height:
            continue
        kind = "money" if name == s.AMOUNT else column_kind(name, dtype)
        table.add_row(
            safe_text(label(name, lang)),
            *(safe_text(format_cell(v, kind, lang)) for v in sample[name].to_list()),
        )
    return table


def inspect_json(
    result: Any, *, rows: int = 5, overview: Any = None, lang: str = DEFAULT_LANG
) -> dict[str, Any]:
    """Everything `kunde inspect` shows, as a JSON-friendly dict (with ``statuses`` and
    ``counted`` for an orders file, see :func:`kunde_cli.render.counting.overview_json`).

    Notes and reasons are sentences in ``lang``; each problem keeps its ``reason_code``."""
    out = {
        "file": str(result.path),
        "kind": result.kind,
        "rows_read": result.rows_read,
        "accepted": result.accepted,
        "rejected": result.rejects.height,
        "detected": _detected_dict(result, lang),
        "sample": result.frame.head(rows).to_dicts(),
        "problems": words_inspect.worded_reasons(problem_summary(result.rejects), lang).to_dicts(),
    }
    if overview is not None:
        out.update(overview_json(overview, result.detected))
    return out


def print_overview(
    overview: Any,
    *,
    lang: str = DEFAULT_LANG,
    currency: str = "kr.",
    console: Console | None = None,
) -> None:
    """The status table (word → class → orders → amount) and what was counted."""
    console = console or SafeConsole(highlight=False)
    if overview.statuses.height:
        console.print(
            rich_table(
                frame := status_frame(overview, lang),
                title=_t("order_status", lang),
                lang=lang,
                currency=currency,
                kinds={frame.columns[-1]: "money"},
            )
        )
    console.print(safe_text(counted_sentence(overview, lang, currency)))


def print_inspect(
    result: Any,
    *,
    rows: int = 5,
    lang: str = DEFAULT_LANG,
    file: Any = None,
    overview: Any = None,
    currency: str = "kr.",
) -> None:
    """Print the inspection of one file on stdout."""
    console = SafeConsole(file=file, highlight=False)
    det = _detected_dict(result, lang)
    console.rule(safe_text(result.path, style="bold"))
    settings = Table(title=_t("settings", lang), show_header=False, title_justify="left")
    settings.add_column()
    settings.add_column()
    settings.add_row(_t("kind", lang), safe_text(words_inspect.kind_name(result.kind, lang)))
    for key in (
        "encoding",
        "delimiter",
        "sheet",
        "decimal",
        "date_format",
        "date_order",
        "preset",
        "source",
    ):
        value = det.get(key)
        if value is None:
            continue
        if key == "delimiter":
            value = words_inspect.delimiter_name(value, lang)
        if key == "date_format":
            from kunde_cli.ingest.parsing import describe_format

            value = describe_format(value) if value and value.startswith("%") else value
        if isinstance(value, str):
            value = words_inspect.setting_value(key, value, lang)
        settings.add_row(words_inspect.setting_name(key, lang), safe_text(value))
    console.print(settings)
    for note in det.get("notes", []) or []:
        console.print(safe_text("! ", style="yellow") + safe_text(note))

    mapping = det.get("mapping")
    if mapping:
        how = det.get("how", {})
        table = Table(title=_t("mapping", lang), title_justify="left")
        table.add_column(_t("field", lang))
        table.add_column(_t("column", lang))
        table.add_column(_t("how", lang))
        for fld, col in mapping.items():
            table.add_row(
                safe_text(label(fld, lang) + f" ({fld})"),
                safe_text(col),
                safe_text(words_inspect.found_by(how.get(fld, ""), lang)),
            )
        unused = det.get("unused_columns") or []
        if unused:
            table.add_row(
                _t("unused", lang),
                safe_text(", ".join(map(str, unused[:20])) + (" …" if len(unused) > 20 else "")),
                "",
            )
        console.print(table)

    console.print(sample_table(result.frame.head(rows), lang=lang))
    if overview is not None:
        print_overview(overview, lang=lang, currency=currency, console=console)

    problems = problem_summary(result.rejects)
    console.print(
        safe_text(
            _t("summary", lang).format(
                read=result.rows_read, ok=result.accepted, bad=result.rejects.height
            )
        )
    )
    if problems.is_empty():
        console.print(_t("none", lang))
    else:
        # The reason in words, and the rejects file's code beside it to find the rows by.
        shown = words_inspect.worded_reasons(problems, lang)
        console.print(rich_table(shown, title=_t("problems", lang), lang=lang))
