"""`kunde inspect FILE`: what kunde sees in a file, without writing anything."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunde_cli.cli import options as opt

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.config import Config
    from kunde_cli.ingest import IngestResult, ReadOptions

app = typer.Typer(add_completion=False)


# --- the command's own options ----------------------------------------------------------

Files = Annotated[list[Path], typer.Argument(help="Export file(s) to look at.", show_default=False)]
Customers = Annotated[
    bool,
    typer.Option("--customers", help="Also show how customers were matched across rows and files."),
]
Fmt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table (default) or json.",
        callback=lambda value: opt.check_choice("--format", value, ("table", "json")),
        show_default=False,
    ),
]


@app.command("inspect")
@opt.help_order(
    "files", *opt.READING, "kind", "customers", "rows", "fmt", "quiet", "lang", "config_path"
)  # fmt: skip
@opt.reads_data(uses=(*opt.READING, "quiet", "lang", "config_path"))
def inspect_command(
    files: Files,
    data: opt.Source,
    kind: opt.Kind = None,
    customers: Customers = False,
    rows: Annotated[int, typer.Option("--rows", help="Sample rows to show.")] = 5,
    fmt: Fmt = None,
) -> None:
    """Show what kunde detects in an export: encoding, delimiter, decimal style, date
    format, preset, the column mapping, sample rows, and every problem found.

    Nothing is written. Example: kunde inspect ordrer.csv --map amount="Total inkl. moms"
    """
    from kunde_cli.cli.common import emit, file_overview, resolve_lang
    from kunde_cli.config import load_config
    from kunde_cli.ingest import read_any
    from kunde_cli.render.inspect_view import print_inspect

    config = load_config(data.config_path)
    language = resolve_lang(data.lang, config)
    options = _read_options(data, config, kind)
    results = [read_any(path, options) for path in files]
    overviews = [file_overview(r, config) for r in results]
    merge = _customer_matches(results) if customers else None
    if fmt == "json":
        _write_json(results, [ov for ov, _ in overviews], merge, rows, language)
        return
    for result, (overview, label) in zip(results, overviews, strict=True):
        print_inspect(result, rows=rows, lang=language, overview=overview, currency=label)
    if merge is not None:
        from kunde_cli.words.labels import label as word_label

        title = word_label("inspect_customers_matched", language)
        emit(merge, opt.Destination(fmt="table"), title=title, lang=language)


def _read_options(data: opt.Source, config: Config, kind: str | None) -> ReadOptions:
    """How to read the files: the reading options given, --map over kunde.toml's."""
    from kunde_cli.cli.common import parse_mapping
    from kunde_cli.ingest import ReadOptions

    given = data.reading
    given["mapping"] = {**config.mapping, **parse_mapping(given["mapping"])}
    return ReadOptions(**given, kind=kind)


def _customer_matches(results: Sequence[IngestResult]) -> pl.DataFrame | None:
    """--customers: how the orders files' rows were matched to customers (None when
    no file holds orders)."""
    import polars as pl

    from kunde_cli.identity import merge_report

    orders = [r.frame for r in results if r.kind != "survey"]
    return merge_report(pl.concat(orders).lazy()) if orders else None


def _write_json(
    results: Sequence[IngestResult],
    overviews: Sequence[Any],
    merge: pl.DataFrame | None,
    rows: int,
    lang: str,
) -> None:
    """Everything inspect shows, as one JSON list on stdout (the matches last)."""
    from kunde_cli.render.inspect_view import inspect_json

    payload = [
        inspect_json(r, rows=rows, overview=ov, lang=lang)
        for r, ov in zip(results, overviews, strict=True)
    ]
    if merge is not None:
        payload.append({"customers": merge.to_dicts()})
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
