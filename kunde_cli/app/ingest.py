"""Ingesting: read order and survey exports into the workspace, never double-counting
a line, and say what was read, skipped, changed and refused.

Every file is read and checked before the workspace is touched (a bad file, or any
refused row under ``strict``, stops the run with nothing written); a file ingested
before (the same bytes, by SHA-256) is not read again. Nothing is printed: the
result is an :class:`IngestReport` (the per-file summary table, what each orders file
holds by status class, the store's per-file summaries, and the notes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.app.notes import Note, Notes
from kunde_cli.words.said import Said, Text, said

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.orders import Overview
    from kunde_cli.config import Config
    from kunde_cli.store.manifest import SourceEntry
    from kunde_cli.store.sources import AppendSummary

#: What reading a file may say that is a warning (the data may be read wrongly), not a
#: note on what was detected: dates and amounts that fit two readings.
WARNING_KEYS = frozenset(
    {
        "ingest_note_dates_fit_both_dayfirst",
        "ingest_note_dates_fit_both_monthfirst",
        "ingest_note_dates_fit_yearfirst",
        "ingest_note_amounts_thousands",
        "ingest_note_amounts_decimals",
        # A cost that cannot be read: the sale counts, its profit does not.
        "profit_note_unread_cost",
    }
)

#: ``reading(total, lang)``: a context around reading the ``total`` files that yields
#: ``advance()``, called once per file (the command line shows a progress bar with it).
Reading = Callable[[int, str], AbstractContextManager[Callable[[], None]]]


@dataclass(frozen=True)
class FileOverview:
    """What one orders file holds by status class (kunde_cli.analytics.orders.Overview),
    in one currency, and that currency's label."""

    path: Path
    overview: Overview | None
    currency: str


@dataclass(frozen=True)
class IngestReport:
    """What :func:`ingest_files` did.

    ``table`` has one row per file given: file, kind, source (the shop system, orders
    only), rows_read, accepted, duplicates, rejected and changed (orders or answers
    stored before that this export changed). ``summaries`` are the workspace's own
    per-file summaries (:class:`kunde_cli.store.sources.AppendSummary`: changes,
    collisions, a person erased before and brought back). ``refused`` rows went to
    ``rejects_path``. ``notes`` are what reading the files said, in order.
    """

    workspace: Path
    lang: str
    config: Config
    table: pl.DataFrame
    summaries: tuple[AppendSummary, ...]
    overviews: tuple[FileOverview, ...]
    refused: int
    rejects_path: Path
    notes: tuple[Note, ...] = ()


def ingest_files(
    paths: Sequence[Path | str],
    workspace: Path | str = Path("kunde-data"),
    *,
    kind: str | None = None,
    sheet: str | None = None,
    preset: str | None = None,
    mapping: list[str] | Mapping[str, str] | None = None,
    dayfirst: bool | None = None,
    allow_future: bool = False,
    columns: str | None = None,
    strict: bool = False,
    source: str | None = None,
    wait: float = 60.0,
    lang: str | None = None,
    config_path: Path | None = None,
    notes: Notes | None = None,
    reading: Reading | None = None,
) -> IngestReport:
    """Read ``paths`` (order or survey exports) into the workspace at ``workspace``.

    ``kind`` (orders or survey) overrides the detection; ``source`` names the shop
    system the orders come from (order numbers are unique within one system only);
    ``mapping`` maps fields to columns (``{"amount": "Total"}`` or ``["amount=Total"]``);
    ``strict`` refuses the whole run (DataQualityError, nothing written) when any row
    cannot be used or an order number is taken by another order; ``wait`` is how many
    seconds to wait for another run on the same workspace. Notes are added to
    ``notes`` as they are said and returned in ``IngestReport.notes``.
    """

    from kunde_cli.app.loading import (
        file_overview,
        open_workspace,
        parse_mapping,
        resolve_lang,
    )
    from kunde_cli.config import load_config
    from kunde_cli.errors import ConfigError, DataQualityError
    from kunde_cli.identity import identity_map
    from kunde_cli.ingest import ReadOptions, read_any
    from kunde_cli.store import SourceInfo, file_sha256
    from kunde_cli.store.overlap import source_name

    told = notes if notes is not None else Notes()
    files = [Path(p) for p in paths]
    workspace = Path(workspace)
    if kind not in (None, "orders", "survey"):
        raise ConfigError(said("ingest_kind_invalid", kind=kind))
    given_source = source_name(source, None) if source is not None else None
    config = load_config(config_path)
    language = told.lang = resolve_lang(lang, config)
    given = dict(mapping) if isinstance(mapping, Mapping) else parse_mapping(mapping)
    options = ReadOptions(
        sheet=sheet,
        preset=preset,
        mapping={**config.mapping, **given},
        dayfirst=dayfirst,
        allow_future=allow_future,
        kind=kind,
        columns=columns,
    )
    # Read and check every file before touching the workspace: a bad file stops the
    # run with nothing written. A file ingested before (the same bytes) is not read
    # again: a cron job re-offering yesterday's export costs one pass of hashing.
    ws = open_workspace(workspace)
    digests: dict[Path, str | None] = {}
    results = []
    seen: dict[Path, SourceEntry] = {}
    with (reading or _silently)(len(files), language) as advance:
        for path in files:
            digest = digests[path] = _digest(path)
            # A file once read as the wrong kind can be read again with --kind.
            entry = ws.ingested(digest, kind, given_source) if digest else None
            if entry is not None:
                seen[path] = entry
            else:
                results.append(read_any(path, options))
            advance()
    for path, stored in seen.items():
        when = str(stored.get("ingested_at", ""))[:10]
        told.note(said("ingest_skipped_same_file", path=str(path), day=when))
    for result in results:
        for line in result.details().get("notes") or []:
            # Ambiguous dates and amounts are a warning; the rest says what was detected.
            (told.warn if is_warning(line) else told.note)(
                said("ingest_file_note", path=str(result.path), note=line)
            )
    # Rows of a file seen before still cannot be used: count them as the table does.
    refused = sum(r.rejects.height for r in results) + sum(
        int(entry["rejected"]) for entry in seen.values()
    )
    if strict and refused:
        raise DataQualityError(
            said("ingest_strict_refused", count=refused), hint=said("ingest_strict_hint")
        )
    # A file named twice was read twice: each naming stores (or skips) its own reading.
    by_path: dict[Path, list[Any]] = {}
    for result in results:
        by_path.setdefault(result.path, []).append(result)
    # What each orders file holds, worked out now: the lines are handed to the
    # workspace below and let go once written (a large export is not held twice).
    # Each file's identity map is made once here and reused by the workspace when it
    # holds no customers yet (at ten million lines, finding who is who takes seconds).
    overviews: list[FileOverview] = []
    identities: dict[Path, pl.DataFrame] = {}
    for result in results:
        if result.kind != "survey":
            identity = identity_map(result.frame)
            overview, label = file_overview(result, config, identity, notes=told)
            overviews.append(FileOverview(result.path, overview, label))
            identities[result.path] = identity
    summaries = []
    # rejects.csv, which a person opens, gives each reason in the run's language.
    ws.rejects_lang = language
    with ws.lock(wait_seconds=wait):
        if strict:
            _refuse_collisions(ws, results, given_source)
        for path in files:
            if path in seen:
                summaries.append(ws.seen_again(path, seen[path]["sha256"], kind))
                continue
            result = by_path[path].pop(0)
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
                    identity=identities.pop(path, None),
                )
            summaries.append(summary)
    return IngestReport(
        workspace=workspace,
        lang=language,
        config=config,
        table=summary_table(summaries),
        summaries=tuple(summaries),
        overviews=tuple(overviews),
        refused=refused,
        rejects_path=workspace / "rejects.csv",
        notes=told.as_tuple(),
    )


def is_warning(text: Text) -> bool:
    """True for what reading a file says that may mean the data is read wrongly
    (:data:`WARNING_KEYS`); plain text is a note."""
    return isinstance(text, Said) and text.key in WARNING_KEYS


def summary_table(summaries: Sequence[AppendSummary]) -> pl.DataFrame:
    """One row per file: what was read, stored, skipped, refused and changed."""
    import polars as pl

    return pl.DataFrame(
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


def changed_by_class(summary: AppendSummary, config: Config) -> dict[str, int]:
    """The orders a newer export changed, by the status class they have now."""
    from kunde_cli.ingest.statuses import class_table

    classes = class_table(config.status)
    by_class: dict[str, int] = {}
    for word, n in summary.changed_by_status.items():
        cls = classes.get(word, "unknown") if word else "completed"
        by_class[cls] = by_class.get(cls, 0) + n
    return by_class


class _silently(AbstractContextManager[Callable[[], None]]):
    """Reading with no one to tell: ``advance()`` does nothing."""

    def __init__(self, total: int, lang: str) -> None:
        self.total = total

    def __enter__(self) -> Callable[[], None]:
        return lambda: None

    def __exit__(self, *exc: object) -> None:
        return None


def _refuse_collisions(ws: Any, results: list[Any], given_source: str | None) -> None:
    """``strict``: refuse the whole run, before anything is written, when an orders file
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
                said("ingest_strict_collisions", count=count, path=str(result.path)),
                hint=said("ingest_source_hint"),
            )


def _digest(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read (read_any then says why)."""
    from kunde_cli.store import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return None
