"""The follow-up workbook of ``kunde nps --follow-up FILE.xlsx``: written, read back,
and written again with what the owner typed carried forward.

**Written.** Sheet one (``Opfølgning`` / ``Follow-up``) is an Excel table of the current
cases (:func:`kunde_cli.analytics.follow_up.follow_up_cases`): who, their group, score
and comment, a **Status** column with a dropdown (``åben / kontaktet / løst``, or ``open
/ contacted / resolved`` in an English run), a **Note** column, their order history and
value, and last the **Response id** that finds the case again (a validation refuses
typing over it; it is visible, so copying rows elsewhere keeps it). Sheet two (``Tidligere
sager`` / ``Earlier cases``) holds cases no longer current that have a status or a note.
Text is never a formula (:mod:`kunde_cli.render.excel`): a comment ``=HYPERLINK(…)``
stays text.

**Read back** (:func:`read_statuses`): every sheet whose header row has a Response id
column (in either language, whatever the sheet is called) gives ``response_id``,
status and note per row. Rows may be sorted, filtered, deleted; blank rows and rows
without an id are skipped; a status is read in either language, in any case, with
spaces around it (``STATUS_READ`` in :mod:`kunde_cli.words.follow_up`); an empty one
is ``open``. A status kunde does not know stops the run (exit 2) naming the file, the
sheet, the row and the column: guessing could close a case the owner meant to keep
open, and nothing is written. A file that is no workbook, or a workbook without a
Response id column (not ours), is refused the same way and never overwritten.

**Written again** (:func:`replace_workbook`): the new workbook is made in memory and
read back (its statuses and notes must be what was carried forward), then the previous
file is kept as ``FILE.bak.xlsx`` and the new one renamed onto ``FILE.xlsx``, both by
the one atomic writer. A full disk or a crash leaves the previous file (and its notes)
as it was.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.errors import InputError
from kunde_cli.words.follow_up import STATUS_READ
from kunde_cli.words.labels import label, label_values
from kunde_cli.words.lang import LANGS
from kunde_cli.words.said import said

if TYPE_CHECKING:
    from datetime import date

    import polars as pl

#: The workbook's column for the response id (its header finds it again).
ID_COLUMN = "follow_up_id"
#: Rows below the cases that also get the status dropdown (rows the owner adds).
SPARE_ROWS = 200
#: Columns of the two sheets, in order (keys; the headers are their labels).
CASE_SHEET_COLUMNS = (
    "name",
    "email",
    "nps_category",
    "score",
    "comment",
    "follow_up_status",
    "follow_up_note",
    "responded_at",
    "orders",
    "revenue",
    "last_order",
    "segment",
    "top_products",
    "customer_id",
    ID_COLUMN,
)
EARLIER_SHEET_COLUMNS = (
    "name",
    "email",
    "nps_category",
    "score",
    "comment",
    "follow_up_status",
    "follow_up_note",
    "responded_at",
    "customer_id",
    ID_COLUMN,
)


def status_word(key: str, lang: str) -> str:
    """The dropdown's word for a status key (``open`` → ``åben`` in Danish)."""
    return label(f"fu_status_{key}", lang)


def _plain(text: str) -> str:
    """Lower case, single spaces, no accents (``" Løst "`` → ``"lost"``)."""
    folded = " ".join(text.replace("\u00a0", " ").split()).casefold()
    folded = folded.replace("ø", "o").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip("'\"")


def _status_lookup() -> dict[str, str]:
    """Every way a status may be typed (plain, see :func:`_plain`) → its key."""
    lookup: dict[str, str] = {}
    for key, typed in STATUS_READ.items():
        for text in (*typed, *(status_word(key, lang) for lang in LANGS)):
            lookup[_plain(text)] = key
    return lookup


def read_status(text: str | None) -> str | None:
    """The status key of what an owner typed; ``open`` for an empty cell; None when it
    is no status kunde knows.

    >>> [read_status(t) for t in (" Kontaktet ", "LØST", "open", "", None, "ringet op")]
    ['contacted', 'resolved', 'open', 'open', 'open', None]
    """
    if text is None or not text.strip():
        return "open"
    return _status_lookup().get(_plain(text))


def _headers(key: str) -> set[str]:
    return {_plain(label(key, lang)) for lang in LANGS}


@dataclass(frozen=True)
class ReadBack:
    """What a follow-up workbook holds: ``statuses`` (``response_id``,
    ``follow_up_status`` key, ``follow_up_note``), the sheets read and the rows with an
    id."""

    statuses: pl.DataFrame
    sheets: tuple[str, ...]
    rows: int
    #: Rows with a status (other than open) or a note but no response id, as
    #: ``(sheet, Excel row)``: they cannot be carried forward (the run says so).
    without_id: tuple[tuple[str, int], ...] = ()


def read_statuses(source: Path | bytes, *, name: str | None = None) -> ReadBack:
    """The statuses and notes typed in a follow-up workbook (see the module doc).

    ``source`` is the file or its bytes; ``name`` how messages call it. Raises
    InputError (exit 2) for a file that is no workbook, one without a Response id
    column, or a status kunde does not know (naming sheet, row and column).
    """
    import polars as pl

    shown = name or (str(source) if isinstance(source, Path) else "workbook")
    backup = backup_path(Path(shown))
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        sheets = pl.read_excel(
            io.BytesIO(data),
            sheet_id=0,
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as err:  # OSError, and fastexcel/calamine's own kinds
        hint = (
            said("fu_not_workbook_hint", backup=backup)
            if backup.is_file()
            else said("fu_not_workbook_hint_none")
        )
        raise InputError(said("fu_not_workbook"), path=shown, hint=hint) from err
    id_headers, status_headers, note_headers = (
        _headers(ID_COLUMN),
        _headers("follow_up_status"),
        _headers("follow_up_note"),
    )
    lookup = _status_lookup()
    found: list[pl.DataFrame] = []
    read: list[str] = []
    without_id: list[tuple[str, int]] = []
    for sheet, frame in sheets.items():
        by_header = {_plain(str(c)): c for c in frame.columns}
        _check_columns(sheet, by_header, shown, backup)
        id_col = next((by_header[h] for h in id_headers if h in by_header), None)
        if id_col is None:
            continue
        read.append(sheet)
        status_col = next((by_header[h] for h in status_headers if h in by_header), None)
        note_col = next((by_header[h] for h in note_headers if h in by_header), None)
        every = frame.select(
            pl.col(id_col).cast(pl.String).str.strip_chars().alias("response_id"),
            (pl.col(status_col) if status_col else pl.lit(None)).cast(pl.String).alias("_typed"),
            (pl.col(note_col) if note_col else pl.lit(None)).cast(pl.String).alias("note"),
            # Row 1 is the header: the first data row is Excel's row 2.
            (pl.int_range(pl.len()) + 2).alias("_row"),
        )
        has_id = (pl.col("response_id").str.len_chars() > 0).fill_null(False)
        rows = every.filter(has_id)
        # A status or a note typed on a row without an id (a case added by hand, an id
        # cleared) cannot be carried forward: found here, said by the run.
        typed_in = [
            pl.col(c).str.strip_chars().str.len_chars().fill_null(0) > 0 for c in ("_typed", "note")
        ]
        lost = every.filter(~has_id & (typed_in[0] | typed_in[1])).select("_typed", "note", "_row")
        for typed_status, note_text, row in lost.iter_rows():
            if (note_text or "").strip() or lookup.get(_plain(typed_status or "")) != "open":
                without_id.append((sheet, int(row)))
        typed = rows.get_column("_typed").to_list()
        keys = ["open" if t is None or not t.strip() else lookup.get(_plain(t)) for t in typed]
        for key, text, row in zip(keys, typed, rows.get_column("_row").to_list(), strict=True):
            if key is None:
                raise InputError(
                    said("fu_bad_status", value=str(text).strip(), sheet=sheet),
                    path=shown,
                    row=row,
                    column=str(status_col),
                    hint=said("fu_bad_status_hint"),
                )
        note = pl.col("note").str.strip_chars()
        found.append(
            rows.with_columns(pl.Series("follow_up_status", keys, dtype=pl.String)).select(
                "response_id",
                "follow_up_status",
                pl.when(note.str.len_chars() > 0).then(note).alias("follow_up_note"),
            )
        )
    if not read:
        raise InputError(
            said("fu_not_ours", column=label(ID_COLUMN, "da") + " / " + label(ID_COLUMN, "en")),
            path=shown,
            hint=said("fu_not_ours_hint"),
        )
    statuses = pl.concat(found, how="vertical_relaxed") if found else _empty_read()
    return ReadBack(statuses, tuple(read), statuses.height, tuple(without_id))


def _check_columns(sheet: str, by_header: dict[str, str], shown: str, backup: Path) -> None:
    """A sheet of kunde's (two of its Response id, Status and Note columns) that lost the
    third is refused: without the Status column every case would read as open, without
    the Note column every note as emptied, without the id no row finds its case again
    — and nothing says so. Nothing is written; the message names the sheet and the
    column (in the language of the headers there)."""
    keys = (ID_COLUMN, "follow_up_status", "follow_up_note")
    found = {key: {lang for lang in LANGS if _plain(label(key, lang)) in by_header} for key in keys}
    found = {key: langs for key, langs in found.items() if langs}
    missing = [key for key in keys if key not in found]
    if len(found) < 2 or not missing:
        return
    # The headers' language ("Status" is the same in both: the other header decides).
    common = set.intersection(*found.values())
    lang = next((lang for lang in LANGS if lang in common), next(iter(LANGS)))
    hint = (
        said("fu_column_gone_hint", backup=backup)
        if backup.is_file()
        else said("fu_column_gone_hint_none")
    )
    raise InputError(
        said("fu_column_gone", sheet=sheet, column=label(missing[0], lang)),
        path=shown,
        hint=hint,
    )


def _empty_read() -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(
        schema={
            "response_id": pl.String,
            "follow_up_status": pl.String,
            "follow_up_note": pl.String,
        }
    )


def _for_people(frame: pl.DataFrame, columns: tuple[str, ...], lang: str) -> pl.DataFrame:
    """The sheet's frame: keys worded, the response id in its own column, in order."""
    import polars as pl

    groups = {
        key: label(f"fu_group_{key}", lang) for key in ("detractors", "passives", "promoters")
    }
    statuses = {key: status_word(key, lang) for key in STATUS_READ}
    shown = frame.with_columns(
        pl.col("nps_category").replace_strict(groups, default=None, return_dtype=pl.String),
        pl.col("follow_up_status").replace_strict(statuses, default=None, return_dtype=pl.String),
        pl.col("response_id").alias(ID_COLUMN),
    )
    if "segment" in shown.columns:
        shown = label_values(shown, ["segment"], lang)
    return shown.select(columns)


def workbook_bytes(
    cases: pl.DataFrame,
    earlier: pl.DataFrame,
    *,
    lang: str,
    as_of: date | None = None,
    currency: str = "kr.",
) -> bytes:
    """The follow-up workbook: the current ``cases`` (with ``follow_up_status`` keys and
    ``follow_up_note``) and, when there are any, the ``earlier`` cases kept."""
    from kunde_cli.render.excel import (
        Formats,
        SheetSpec,
        close_workbook,
        new_workbook,
        write_sheet,
    )

    buf = io.BytesIO()
    wb = new_workbook(buf, as_of)
    formats = Formats(wb, currency)
    used: set[str] = set()
    sheets: list[tuple[str, pl.DataFrame, tuple[str, ...], str]] = [
        (label("fu_sheet_cases", lang), cases, CASE_SHEET_COLUMNS, "fu_sheet_note"),
    ]
    if earlier.height:
        sheets.append(
            (label("fu_sheet_earlier", lang), earlier, EARLIER_SHEET_COLUMNS, "fu_earlier_note")
        )
    for title, frame, columns, note in sheets:
        shown = _for_people(frame, columns, lang)
        result = write_sheet(
            wb,
            formats,
            SheetSpec(
                title,
                shown,
                kinds={"revenue": "money", "score": "int", "orders": "int"},
                freeze_columns=1,
                note=label(note, lang),
                # The note is read back as a row without an id (skipped); keep it below.
            ),
            lang=lang,
            used=used,
        )
        _add_inputs(wb.get_worksheet_by_name(result.name), shown, lang)
    return close_workbook(wb, buf)


def _add_inputs(ws: Any, shown: pl.DataFrame, lang: str) -> None:
    """The status dropdown, a wide note column, and the response id guarded."""
    columns = shown.columns
    last = max(shown.height, 1) + SPARE_ROWS
    status = columns.index("follow_up_status")
    note = columns.index("follow_up_note")
    ident = columns.index(ID_COLUMN)
    ws.data_validation(
        1,
        status,
        last,
        status,
        {
            "validate": "list",
            "source": [status_word(key, lang) for key in STATUS_READ],
            "input_title": label("fu_prompt_title", lang),
            "input_message": label("fu_prompt", lang),
            "error_title": label("fu_error_title", lang),
            "error_message": label("fu_error", lang),
        },
    )
    ws.data_validation(
        1,
        ident,
        max(shown.height, 1),
        ident,
        {
            "validate": "custom",
            "value": "=FALSE",
            "ignore_blank": False,
            "error_title": label("fu_id_error_title", lang),
            "error_message": label("fu_id_error", lang),
        },
    )
    ws.set_column(status, status, 14)
    ws.set_column(note, note, 48)


def backup_path(path: Path) -> Path:
    """Where the previous workbook is kept: ``sager.xlsx`` → ``sager.bak.xlsx``."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def excel_lock(path: Path) -> Path | None:
    """The lock file Excel (``~$name``; for a long name ``~$`` over its first two
    letters: ``opfoelgning.xlsx`` → ``~$foelgning.xlsx``) or LibreOffice
    (``.~lock.name#``) keeps beside an open workbook, when there is one."""
    name = path.name
    for lock in (
        path.with_name(f"~${name}"),
        path.with_name(f"~${name[2:]}"),
        path.with_name(f".~lock.{name}#"),
    ):
        if lock.exists():
            return lock
    return None


def replace_workbook(path: Path, data: bytes, previous: bytes | None) -> Path | None:
    """Write ``data`` to ``path``, keeping ``previous`` (the bytes read from ``path``)
    as :func:`backup_path`; returns the backup's path (None when there was no previous
    file). Both go through :func:`kunde_cli.render.formats.write_outputs`: every
    temporary file is complete before either is renamed, so a full disk leaves the
    previous workbook (and its notes) as it was (an OutputError says so)."""
    from kunde_cli.render.formats import write_outputs

    backup = backup_path(path) if previous is not None else None
    if backup is not None and backup.is_symlink():
        # The backup is kunde's own name: a link planted there is replaced by the file,
        # never followed (the previous workbook written over what it points to).
        _unlink_quietly(backup)
    items = (
        [(path, data)] if backup is None or previous is None else [(backup, previous), (path, data)]
    )
    write_outputs(items, unchanged=said("fu_unchanged", path=path.name))
    return backup


def _unlink_quietly(path: Path) -> None:
    """Remove ``path`` when it is a file or a link (a folder, or an OS error, stays:
    the writer then says what it met, or nothing was there to keep)."""
    import contextlib

    if path.is_symlink() or path.is_file():
        with contextlib.suppress(OSError):
            path.unlink()


@dataclass(frozen=True)
class FollowUpRun:
    """What a follow-up run wrote: the cases per group and status
    (:func:`kunde_cli.analytics.follow_up.status_counts`), how many kept a status or
    note from before (``carried``), how many no run had seen (``new``), the earlier cases kept
    (``earlier``), the ones whose answer is gone (``gone``), the backup's path, whether
    the workspace kept the statuses (``stored``), and the earlier cases' sheet name."""

    counts: pl.DataFrame
    carried: int
    new: int
    earlier: int
    gone: int
    backup: Path | None
    stored: bool
    earlier_sheet: str
    #: True when statuses were read (a previous workbook, or the workspace's copy).
    read_back: bool = False
    #: True when the previous file held notes on answers kunde forget erased, so it
    #: was not kept as a backup (and an older backup was removed).
    backup_dropped: bool = False
    #: Rows of the previous file with a status or a note but no response id
    #: (``(sheet, row)``): not carried forward, kept in the backup.
    without_id: tuple[tuple[str, int], ...] = ()
    #: Cases the workspace kept as contacted or resolved that the workbook has as open
    #: (:func:`kunde_cli.analytics.follow_up.reopened`).
    reopened: int = 0
    #: True when the new workbook was byte for byte the previous one: nothing written.
    unchanged: bool = False


def run_follow_up(
    path: Path,
    *,
    linked: pl.DataFrame,
    orders: Any,
    as_of: date,
    answers_as_of: date | None,
    segments: pl.LazyFrame | None,
    lang: str,
    currency: str = "kr.",
    workspace: Any = None,
    every_answer: pl.DataFrame | None = None,
) -> FollowUpRun:
    """Read what the owner typed in ``path`` (when it exists), carry it forward by
    response id into the new cases, write the workbook again and, with a
    ``workspace`` (:class:`kunde_cli.store.Workspace`), keep the statuses in it.

    ``linked`` are the answers up to the NPS date linked to customers
    (:func:`kunde_cli.analytics.nps.link_answers`); ``orders`` the order basis.
    Answers ``kunde forget`` erased are no case, and their notes are not carried.
    ``every_answer`` are all the answers linked the same way, after the NPS date too
    (default ``linked``): a note on an answer after the date (a run looking back with
    ``--as-of``) is kept as an earlier case, not dropped as gone.
    """
    import polars as pl

    from kunde_cli import schema as s
    from kunde_cli.analytics import follow_up as fu
    from kunde_cli.errors import ConfigError
    from kunde_cli.store.erase import ERASED_PREFIX

    if path.suffix.lower() != ".xlsx":
        raise ConfigError(said("fu_needs_xlsx"), path=str(path))
    previous = path.read_bytes() if path.is_file() else None
    back = read_statuses(previous, name=str(path)) if previous is not None else None
    typed = back.statuses if back is not None else _empty_read()
    stored = None
    if workspace is not None:
        from kunde_cli.store.follow_up import read_statuses as read_stored

        stored = read_stored(workspace)
    statuses = fu.merge_statuses(stored if stored is not None else fu.empty_statuses(), typed)
    erased = pl.col(s.CUSTOMER_ID).str.starts_with(ERASED_PREFIX).fill_null(False)
    answers = linked.filter(~erased)
    everyone = linked if every_answer is None else every_answer
    cases = (
        fu.follow_up_cases(
            answers.lazy(), orders, as_of=as_of, answers_as_of=answers_as_of, segments=segments
        )
        .collect()
        .pipe(fu.carry_forward, statuses)
    )
    earlier = fu.earlier_cases(statuses, cases, everyone.filter(~erased))
    worth = (pl.col(fu.STATUS) != fu.OPEN) | (pl.col(fu.NOTE).str.len_chars() > 0)
    kept_ids = pl.concat([cases.get_column(s.RESPONSE_ID), earlier.get_column(s.RESPONSE_ID)])
    gone = statuses.filter(
        worth.fill_null(False) & ~pl.col(s.RESPONSE_ID).is_in(kept_ids.implode())
    )
    seen = pl.col(s.RESPONSE_ID).is_in(statuses.get_column(s.RESPONSE_ID).implode())
    carried = cases.select((seen & worth.fill_null(False)).sum()).item()
    new = cases.select((~seen).sum()).item()
    data = workbook_bytes(cases, earlier, lang=lang, as_of=as_of, currency=currency)
    _check_round_trip(data, pl.concat([cases, earlier], how="diagonal_relaxed"), path)
    # A note on a customer kunde forget erased is not kept in a backup either.
    erased_ids = everyone.filter(erased).get_column(s.RESPONSE_ID).implode()
    on_erased = typed.filter(worth.fill_null(False) & pl.col(s.RESPONSE_ID).is_in(erased_ids))
    dropped = on_erased.height > 0 and previous is not None
    # The same bytes again (a second run with nothing new): nothing is written, so the
    # backup stays what the owner typed rather than a copy of kunde's own file.
    same = previous == data
    backup = None if same else replace_workbook(path, data, None if dropped else previous)
    if dropped:
        _unlink_quietly(backup_path(path))
    if workspace is not None:
        from kunde_cli.store.follow_up import write_statuses

        write_statuses(workspace, fu.statuses_to_store(cases, earlier))
    return FollowUpRun(
        counts=fu.status_counts(cases),
        carried=int(carried),
        new=int(new),
        read_back=previous is not None or (stored is not None and stored.height > 0),
        backup_dropped=dropped,
        without_id=back.without_id if back is not None else (),
        unchanged=same,
        earlier=earlier.height,
        gone=gone.height,
        backup=backup,
        stored=workspace is not None,
        earlier_sheet=label("fu_sheet_earlier", lang),
        reopened=fu.reopened(stored, typed) if stored is not None and back is not None else 0,
    )


def _check_round_trip(data: bytes, expected: pl.DataFrame, path: Path) -> None:
    """The new workbook reads back to the statuses and notes it was given, or nothing
    is written (the previous file and its notes stay)."""
    import polars as pl

    from kunde_cli.errors import OutputError

    columns = ["response_id", "follow_up_status", "follow_up_note"]
    got = read_statuses(data, name=str(path)).statuses.select(columns).sort("response_id")
    want = expected.select(columns).with_columns(
        pl.col("follow_up_note").str.strip_chars().replace("", None)
    )
    if not got.equals(want.sort("response_id")):
        raise OutputError(said("fu_unchanged", path=path.name), path=path)
