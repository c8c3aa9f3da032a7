"""`kunde ingest`: read exports into the workspace, never double-counting a line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kunde_cli.cli import options as opt

app = typer.Typer()


@app.command("ingest")
def ingest_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Order or survey exports (CSV/TSV/TXT/Excel).", show_default=False),
    ],
    workspace: opt.Workspace = opt.DEFAULT_WORKSPACE,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="orders or survey (default: detected from the header).",
            show_default=False,
        ),
    ] = None,
    sheet: opt.Sheet = None,
    preset: opt.Preset = None,
    map_: opt.Map = None,
    dayfirst: opt.DayFirst = None,
    allow_future: opt.AllowFuture = False,
    columns: opt.Columns = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse the whole run (exit 3) if any row cannot be used."),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Name of the shop system the orders come from (web, kasse, …). Order "
            "numbers are unique within one system only. Default: the export's layout "
            "(shopify, woocommerce), else 'shop'.",
            show_default=False,
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait", min=0.0, help="Seconds to wait for another kunde run on the same workspace."
        ),
    ] = 60.0,
    fmt: opt.Format = None,
    output: opt.Output = None,
    lang: opt.Lang = None,
    config_path: opt.ConfigPath = None,
) -> None:
    """Read order and survey exports into the workspace (default ./kunde-data/).

    Orders already in the workspace are skipped, so re-running on the same or a newer,
    overlapping export never double-counts; an order the newer export changed (refunded,
    cancelled, a line added) is updated and reported. Order numbers are kept apart per
    shop system (--source): another system's order 1 is never taken for yours. Survey
    answers without an id are recognised by their content, under any file name. A file
    ingested before (the same bytes) is not even read again. Rows that cannot be used
    go to kunde-data/rejects.csv with file, row, column and reason.

    Example: kunde ingest ordrer.csv nps_svar.csv --map amount="Total inkl. moms"

    Example: kunde ingest kasse.csv --source kasse
    """
    import polars as pl

    from kunde_cli.cli.common import parse_mapping, resolve_lang
    from kunde_cli.config import load_config
    from kunde_cli.errors import ConfigError, DataQualityError
    from kunde_cli.ingest import ReadOptions, read_any
    from kunde_cli.render.formats import emit
    from kunde_cli.render.terminal import note, progress, warn
    from kunde_cli.store import SourceInfo, file_sha256
    from kunde_cli.store.overlap import source_name

    if kind not in (None, "orders", "survey"):
        raise ConfigError(f"--kind must be orders or survey, not '{kind}'")
    given_source = source_name(source, None) if source is not None else None
    config = load_config(config_path)
    language = resolve_lang(lang, config)
    options = ReadOptions(
        sheet=sheet,
        preset=preset,
        mapping={**config.mapping, **parse_mapping(map_)},
        dayfirst=dayfirst,
        allow_future=allow_future,
        kind=kind,
        columns=columns,
    )
    # Read and check every file before touching the workspace: a bad file stops the
    # run with nothing written. A file ingested before (the same bytes) is not read
    # again: a cron job re-offering yesterday's export costs one pass of hashing.
    from kunde_cli.cli.common import open_workspace

    ws = open_workspace(workspace)
    digests: dict[Path, str | None] = {}
    results = []
    seen: dict[Path, dict[str, Any]] = {}
    with progress(
        "Læser filer" if language == "da" else "Reading files", total=len(files)
    ) as advance:
        for path in files:
            digests[path] = _digest(path)
            # A file once read as the wrong kind can be read again with --kind.
            entry = ws.ingested(digests[path], kind, given_source) if digests[path] else None
            if entry is not None:
                seen[path] = entry
            else:
                results.append(read_any(path, options))
            advance()
    for path, entry in seen.items():
        when = str(entry.get("ingested_at", ""))[:10]
        note(
            f"{path}: allerede indlæst {when}, springes over (samme fil)"
            if language == "da"
            else f"{path}: already ingested on {when}; skipped (the same file)"
        )
    for result in results:
        for line in result.details().get("notes") or []:
            # Ambiguous dates and amounts are a warning; the rest says what was detected.
            ambiguous = "fit both" in line or "thousands or decimals" in line
            (warn if ambiguous else note)(f"{result.path}: {line}")
    # Rows of a file seen before still cannot be used: count them as the table does.
    refused = sum(r.rejects.height for r in results) + sum(
        int(entry["rejected"]) for entry in seen.values()
    )
    if strict and refused:
        raise DataQualityError(
            f"{refused} row(s) cannot be used; nothing was written (--strict)",
            hint="see why with `kunde inspect FILE`, or run without --strict to keep the good rows",
        )
    by_path = {result.path: result for result in results}
    # What each orders file holds, worked out now: the lines are handed to the
    # workspace below and let go once written (a large export is not held twice).
    overviews = _overviews(results, config)
    identities = {path: identity for path, _, _, identity in overviews}
    summaries = []
    with ws.lock(wait_seconds=wait):
        if strict:
            _refuse_collisions(ws, results, given_source)
        for path in files:
            if path in seen:
                summaries.append(ws.seen_again(path, digests[path], kind))  # type: ignore[arg-type]
                continue
            result = by_path[path]
            detected = result.details()
            info = SourceInfo(
                path=str(result.path),
                sha256=digests[path] or file_sha256(result.path),
                mapping=detected.get("mapping", {}),
                detected={k: v for k, v in detected.items() if k != "mapping"},
                source=given_source or source_name(None, detected.get("preset")),
                named=given_source is not None,
            )
            if result.kind == "survey":
                summary = ws.append_survey(result.take_frame, result.rejects, source=info)
            else:
                summary = ws.append_orders(
                    result.take_frame,
                    result.rejects,
                    source=info,
                    strict=strict,
                    identity=identities.get(path),
                )
            summaries.append(summary)
    table = pl.DataFrame(
        {
            "file": [sm.source for sm in summaries],
            "kind": [sm.kind for sm in summaries],
            "source": [sm.source_name if sm.kind == "orders" else None for sm in summaries],
            "rows_read": [sm.rows_read for sm in summaries],
            "accepted": [sm.accepted for sm in summaries],
            "duplicates": [sm.duplicates for sm in summaries],
            "rejected": [sm.rejected for sm in summaries],
            # orders (or survey answers) stored before that this export changed
            "changed": [sm.changed for sm in summaries],
        },
        schema={
            "file": pl.String,
            "kind": pl.String,
            "source": pl.String,
            "rows_read": pl.Int64,
            "accepted": pl.Int64,
            "duplicates": pl.Int64,
            "rejected": pl.Int64,
            "changed": pl.Int64,
        },
    )
    title = f"Indlæst i {workspace}" if language == "da" else f"Ingested into {workspace}"
    emit(table, fmt, output, title=title, lang=language)
    _print_statuses(overviews, language)
    _print_changes(summaries, config, language)
    for sm in summaries:  # an erased person brought back by this export (kunde forget)
        if sm.returning_erased:
            from kunde_cli.render.i18n import returning_note
            from kunde_cli.render.terminal import warn

            back = returning_note(sm.returning_erased, sm.returning_erased_on, language)
            warn(f"{sm.source}: {back}")
    if refused:
        rejects_path = Path(workspace) / "rejects.csv"
        if language == "da":
            note(f"{refused} række(r) kunne ikke bruges, se {rejects_path}")
        else:
            note(f"{refused} row(s) could not be used, see {rejects_path}")


def _overviews(results: list[Any], config: Any) -> list[tuple[Path, Any, str, Any]]:
    """Per orders file: its path, what it holds by status class, its currency label
    and its identity map (which the workspace reuses when it holds no customers yet:
    at ten million lines, finding who is who takes seconds)."""
    from kunde_cli.cli.common import file_overview
    from kunde_cli.identity import identity_map

    out = []
    for result in results:
        if result.kind != "survey":
            identity = identity_map(result.frame)
            out.append((result.path, *file_overview(result, config, identity), identity))
    return out


def _print_statuses(overviews: list[tuple[Path, Any, str, Any]], language: str) -> None:
    """On stderr, per orders file: status word → class → orders → amount, and what
    counts (a decision about what the export means is reported, never silent)."""
    from kunde_cli.render.inspect_view import print_overview
    from kunde_cli.render.terminal import err_console

    for path, overview, label, _identity in overviews:
        err_console.print(f"{path}:", markup=False, highlight=False)
        print_overview(overview, lang=language, currency=label, console=err_console)


def _refuse_collisions(ws: Any, results: list[Any], given_source: str | None) -> None:
    """--strict: refuse the whole run, before anything is written, when an orders file
    has order numbers that other orders (stored, or in an earlier file) already use."""
    from kunde_cli.errors import DataQualityError
    from kunde_cli.store.overlap import source_name

    orders = [r for r in results if r.kind != "survey"]
    batches = [
        (r.frame, given_source or source_name(None, r.details().get("preset"))) for r in orders
    ]
    for result, count in zip(orders, ws.collisions(batches), strict=True):
        if count:
            raise DataQualityError(
                f"{count} order(s) in {result.path} have numbers that other orders (another "
                "customer or date) already use; nothing was written (--strict)",
                hint="if this export is from another shop system or till, name it: "
                "kunde ingest FILE --source NAME",
            )


def _print_changes(summaries: list[Any], config: Any, language: str) -> None:
    """On stderr: orders a newer export changed, and order numbers another order took."""
    from kunde_cli.ingest.statuses import class_table
    from kunde_cli.render.counting import changes_sentence, collisions_sentence
    from kunde_cli.render.terminal import note, warn

    classes = class_table(config.status)
    for sm in summaries:
        if sm.kind == "orders" and sm.changed:
            by_class: dict[str, int] = {}
            for word, n in sm.changed_by_status.items():
                cls = classes.get(word, "unknown") if word else "completed"
                by_class[cls] = by_class.get(cls, 0) + n
            note(f"{sm.source}: {changes_sentence(sm.changed, by_class, language)}")
        if sm.kind == "survey" and sm.changed:
            note(
                f"{sm.source}: {sm.changed} svar er ændret siden sidste eksport (den nye "
                "udgave tæller)"
                if language == "da"
                else f"{sm.source}: {sm.changed} answers changed since the last export (the "
                "new version counts)"
            )
        if sm.kind == "survey" and sm.collisions:
            warn(
                f"{sm.source}: {sm.collisions} svar har et svarnummer, som et andet gemt svar "
                "(anden person eller dato) allerede har, fx et nyt ark, der tæller fra 1 "
                "igen; de er gemt som særskilte svar"
                if language == "da"
                else f"{sm.source}: {sm.collisions} answers have a response number another "
                "stored answer (another person or date) already has, e.g. a new sheet "
                "numbering from 1 again; they are stored as answers of their own"
            )
        if sm.kind == "orders" and sm.old_made_up_ids:
            warn(
                f"{sm.source}: filen har ingen ordrenumre, og arbejdsmappen har ordrer fra "
                "en sådan fil gemt af en ældre kunde under numre, som ikke kan genkendes; "
                "er filen en nyere eksport af samme ark, tælles de ordrer to gange. Start "
                "en ny arbejdsmappe (--workspace) og indlæs eksporterne igen"
                if language == "da"
                else f"{sm.source}: the file has no order numbers, and the workspace holds "
                "orders of such a file stored by an older kunde under numbers that cannot be "
                "matched; if this file is a newer export of the same sheet, those orders "
                "count twice. Start a new workspace (--workspace) and ingest the exports again"
            )
        if sm.kind == "orders" and sm.credited_orders:
            note(
                f"{sm.source}: {sm.credited_orders} ordrer står kun med krediterede linjer i "
                "filen (en eksport af refusioner); linjerne er lagt til ordren, de betalte "
                "linjer står"
                if language == "da"
                else f"{sm.source}: {sm.credited_orders} orders have only credit lines in the "
                "file (an export of refunds); the lines were added to the order, its paid "
                "lines stay"
            )
        if sm.kind == "orders" and sm.fewer_lines:
            warn(
                f"{sm.source}: {sm.fewer_lines} ordrer har færre linjer end sidst; eksportens "
                "udgave gælder (en ordre rettet). Viser filen kun nogle linjer (fx kun "
                "refusioner), så indlæs den fulde ordreeksport i stedet"
                if language == "da"
                else f"{sm.source}: {sm.fewer_lines} orders have fewer lines than before; the "
                "export's version counts (an order edited). If the file lists only some lines "
                "(refunds only, say), ingest the full order export instead"
            )
        if sm.kind == "orders" and sm.older_orders:
            note(
                f"{sm.source}: {sm.older_orders} ordrer findes også i en eksport, der er lavet "
                "senere (filens dato) og allerede indlæst; dens udgave gælder"
                if language == "da"
                else f"{sm.source}: {sm.older_orders} orders are also in an export made later "
                "(the file's date) and already ingested; its version counts"
            )
        if sm.kind == "orders" and sm.moved_lines:
            note(
                f"{sm.source}: {sm.moved_lines} linjer, som filen gemte under et andet "
                f"systemnavn, hører nu til '{sm.source_name}' (gemt én gang)"
                if language == "da"
                else f"{sm.source}: {sm.moved_lines} lines this file stored under another "
                f"system's name now belong to '{sm.source_name}' (stored once)"
            )
        if sm.kind == "orders" and sm.collisions:
            warn(f"{sm.source}: {collisions_sentence(sm.collisions, sm.source_name, language)}")


def _digest(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read (read_any then says why)."""
    from kunde_cli.store import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return None
