"""`kunde inspect FILE`: what kunde sees in a file, without writing anything."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kunde_cli.cli import options as opt

app = typer.Typer()


@app.command("inspect")
@opt.help_order("files", *opt.READING, "kind", "customers", "rows", "fmt", "lang", "config_path")
@opt.reads_data(uses=(*opt.READING, "lang", "config_path"))
def inspect_command(
    files: Annotated[
        list[Path], typer.Argument(help="Export file(s) to look at.", show_default=False)
    ],
    data: opt.Source,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="orders or survey (default: detected).", show_default=False),
    ] = None,
    customers: Annotated[
        bool,
        typer.Option(
            "--customers", help="Also show how customers were matched across rows and files."
        ),
    ] = False,
    rows: Annotated[int, typer.Option("--rows", help="Sample rows to show.")] = 5,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table (default) or json.", show_default=False),
    ] = None,
) -> None:
    """Show what kunde detects in an export: encoding, delimiter, decimal style, date
    format, preset, the column mapping, sample rows, and every problem found.

    Nothing is written. Example: kunde inspect ordrer.csv --map amount="Total inkl. moms"
    """
    import polars as pl

    from kunde_cli.cli.common import file_overview, parse_mapping, resolve_lang
    from kunde_cli.config import load_config
    from kunde_cli.ingest import ReadOptions, read_any
    from kunde_cli.render.inspect_view import inspect_json, print_inspect

    config = load_config(data.config_path)
    language = resolve_lang(data.lang, config)
    mapping = None if data.mapping is None else list(data.mapping)
    options = ReadOptions(
        sheet=data.sheet,
        preset=data.preset,
        mapping={**config.mapping, **parse_mapping(mapping)},
        dayfirst=data.dayfirst,
        allow_future=data.allow_future,
        kind=kind,
        columns=data.columns,
    )
    results = [read_any(path, options) for path in files]
    overviews = [file_overview(r, config) for r in results]
    merge = None
    if customers:
        from kunde_cli.identity import merge_report

        orders = [r.frame for r in results if r.kind != "survey"]
        if orders:
            merge = merge_report(pl.concat(orders).lazy())
    if fmt == "json":
        payload = [
            inspect_json(r, rows=rows, overview=ov)
            for r, (ov, _) in zip(results, overviews, strict=True)
        ]
        if merge is not None:
            payload.append({"customers": merge.to_dicts()})
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    for result, (overview, label) in zip(results, overviews, strict=True):
        print_inspect(result, rows=rows, lang=language, overview=overview, currency=label)
    if merge is not None:
        from kunde_cli.render.formats import emit

        emit(
            merge,
            "table",
            title="Kunder matchet" if language == "da" else "Customers matched",
            lang=language,
        )
