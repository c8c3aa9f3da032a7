"""Read a CSV/TSV/TXT or Excel file into a table of raw values, detecting how it is written.

Detection looks at the bytes, not the file name: an ``.xlsx`` that is really a CSV is
read as CSV, a ``.csv`` that is really a workbook is read as a workbook. Encodings:
UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), Windows-1252/Latin-1;
a file that is mostly UTF-8 with a few Windows-1252 bytes (two exports pasted
together) is read line by line with the Windows-1252 fallback. Delimiters: ``,`` ``;``
tab ``|``, or runs of spaces and tabs (a whitespace-aligned log). A title row or two
above the header is skipped; a file whose first row is data has no header, and its
columns are named by ``--columns`` (see :func:`read_table`).

Where the bytes come from: a file, a gzip file (``.csv.gz``), a zip archive holding one
export, or standard input (``-``, ``/dev/stdin``) and pipes (``<(…)``, ``/dev/fd/N``).
A pipe cannot be read twice, so its bytes are read once and kept
(:func:`stream_bytes`): detection sniffs from them and the workspace hashes them.
Whatever the container, the table is named after the file as given.
"""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kunde_cli.errors import InputError

# Standard input and pipes are read once, for the store's hash and this reading alike.
from kunde_cli.store.streams import MAX_STREAM_BYTES as MAX_STREAM_BYTES
from kunde_cli.store.streams import STDIN_NAMES as STDIN_NAMES
from kunde_cli.store.streams import STREAM_IDLE_SECONDS as STREAM_IDLE_SECONDS
from kunde_cli.store.streams import _size_text
from kunde_cli.store.streams import is_stdin as is_stdin
from kunde_cli.store.streams import is_stream as is_stream
from kunde_cli.store.streams import stream_bytes as stream_bytes
from kunde_cli.words.said import Text, said

if TYPE_CHECKING:  # imported where a workbook is read
    import fastexcel

SNIFF_BYTES = 256 * 1024
DELIMITERS = (";", ",", "\t", "|")
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
# A complete UTF-8 multi-byte sequence, and any byte above ASCII (see detect_encoding).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
#: Starts of files that are documents, not tables (compared in lower case).
_NOT_TABLES = (b"%pdf", b"<?xml", b"<html", b"<!doctype", b"<table", b"<head", b"<body")
#: Starts of JSON: "[{" and '{"' are never a CSV header.
_JSON_STARTS = (b"[{", b'{"', b"[\n", b"[\r\n", b'["')
#: Largest field the tolerant CSV reader accepts, in characters.
_MAX_FIELD_CHARS = 1 << 30
#: Column added to every raw frame: the row number a person sees (header = its row).
ROW_COL = "__row"
#: ``RawTable.delimiter`` of a file whose fields are separated by runs of spaces or tabs.
WHITESPACE = " "
_GZIP_MAGIC = b"\x1f\x8b"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
#: Maps a row of cells to how many of them name a known field (a header scores high).
HeaderScorer = Callable[[list[str]], int]
#: Files in a zip archive that can be an export (anything else is read only when alone).
_DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat", ".gz", *EXCEL_SUFFIXES}
#: How deep archives may nest (a .csv.gz inside a .zip is two).
_MAX_UNPACK = 3
#: Excel stores a date as days since 1899-12-30 (the 1900 date system, which counts
#: Excel's phantom 29 February 1900): 45352 is 2024-03-01, 45352.5 is noon that day.
EXCEL_EPOCH = datetime(1899, 12, 30)
#: Day numbers read as dates: 1990-01-01 (32874) up to 2099-12-31 (73050), the dates
#: kunde accepts. Other numbers (an amount, 19970101, a Unix timestamp) are not days.
EXCEL_DAYS = (32874, 73051)
_EXCEL_DAY_TEXT = r"^\d{5}(?:\.\d+)?$"
#: How fastexcel writes a date cell in a column that mixes dates and other cells.
_EXCEL_DATETIME_TEXT = r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?$"
#: A cell that is data, not a header name: a number, an amount, an id, a date, an e-mail.
_DATA_CELL = re.compile(
    r"^(?:[-+(]?\s*(?:kr\.?|dkk|eur|usd|[€$£])?\s*\d[\d\s.,']*(?:kr\.?|dkk|,-)?\)?-?"
    r"|\d{1,4}[-./]\d{1,2}[-./]\d{1,4}(?:[ T]\d{1,2}[:.]\d{2}.*)?"
    r"|[^@\s]+@[^@\s]+\.[a-z]{2,})$",
    re.IGNORECASE,
)


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not valid UTF-8 as Windows-1252 (mixed-encoding files)."""
    if not isinstance(err, UnicodeDecodeError):  # registered for decoding only
        raise err
    chunk = err.object[err.start : err.end]
    return chunk.decode("cp1252", errors="replace"), err.end


codecs.register_error("kunde-cp1252", _cp1252_fallback)


@dataclass
class RawTable:
    """A table as read from a file: column names as written, values as they came.

    CSV columns are all strings; Excel columns keep the types the workbook had
    (numbers, dates). ``row_offset`` turns a 0-based data index into the row number
    a person sees in Excel or a text editor: ``row = index + row_offset``.
    """

    frame: pl.DataFrame
    path: Path
    kind: str  # "csv" or "excel"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1  # 1-based row of the header; 0 when the file has none
    row_offset: int = 2
    notes: list[Text] = field(default_factory=list)
    #: The first row is data and no ``columns`` were given: the columns are named
    #: ``column_1`` … ``column_N`` (the caller decides whether that is enough).
    headerless: bool = False
    #: The header's cells as written (before repeats got ``_2``), one per column;
    #: None when the file has no header or ``--columns`` named the columns.
    header_names: list[str] | None = None
    #: The survey tool whose layout the file has (``ingest.survey``), once read as one.
    survey_layout: str | None = None

    @property
    def delimiter_name(self) -> str:
        """The delimiter as a word."""
        return {
            ";": "semicolon",
            ",": "comma",
            "\t": "tab",
            "|": "pipe",
            WHITESPACE: "whitespace",
        }.get(self.delimiter or "", "-")


@dataclass(frozen=True)
class _Content:
    """Bytes to read as a table: a file on disk, or bytes held in memory (stdin, a
    pipe, the export unpacked from an archive). ``path`` is the file as given."""

    path: Path
    data: bytes | None = None

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        return self.data[:n] if self.data is not None else _head_bytes(self.path, n)

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise _os_input_error(exc, self.path) from None

    @property
    def source(self) -> Path | bytes:
        """What Polars and fastexcel read: the path, or the bytes in memory."""
        return self.data if self.data is not None else self.path


# --- standard input and pipes: read once and kept (kunde_cli.store.streams) ---------


def unique_names(names: list[str]) -> list[str]:
    """Make header names usable: blanks become ``column_N``, repeats get ``_2``, ``_3``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, start=1):
        name = (raw or "").replace("\ufeff", "").strip() or f"column_{i}"
        key = name.lower()
        if key in seen:
            seen[key] += 1
            name = f"{name}_{seen[key]}"
            key = name.lower()
        seen[key] = 1
        out.append(name)
    return out


def _head_bytes(path: Path, n: int = SNIFF_BYTES) -> bytes:
    try:
        with path.open("rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError(
                    said("ingest_is_device_file"),
                    path=path,
                    hint=said("ingest_give_file_or_pipe"),
                )
            return fh.read(n)
    except OSError as exc:
        raise _os_input_error(exc, path) from None


def _os_input_error(exc: OSError, path: Path) -> InputError:
    """One line for a file that cannot be opened (missing, a folder, a symlink loop …)."""
    if isinstance(exc, FileNotFoundError):
        return InputError(said("file_not_found"), path=path)
    if isinstance(exc, IsADirectoryError):
        return InputError(said("ingest_is_folder"), path=path)
    if isinstance(exc, PermissionError):
        return InputError(said("ingest_no_permission"), path=path)
    if exc.errno == errno.ELOOP:
        return InputError(
            said("ingest_symlink_loop"), path=path, hint=said("ingest_symlink_loop_hint")
        )
    return InputError(said("ingest_cannot_read_file", reason=str(exc.strerror or exc)), path=path)


def detect_encoding(head: bytes, *, complete: bool) -> str:
    """``utf-8-sig``, ``utf-16``, ``utf-8`` or ``cp1252``, from the first bytes of a file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if not complete and err.start >= len(head) - 3 and err.reason == "unexpected end of data":
            return "utf-8"
    # Two exports pasted together: real UTF-8 letters (U+00E6 = C3 A6) next to single
    # Windows-1252 bytes. Read as UTF-8 with the Windows-1252 fallback per character,
    # else the UTF-8 part (often the header) turns into "BelÃ¸b". Windows-1252 text
    # almost never happens to form valid UTF-8 sequences, so a few of them decide.
    valid = len(_UTF8_MULTIBYTE.findall(head))
    invalid = len(_HIGH_BYTE.findall(head)) - 2 * valid  # at least 2 high bytes per sequence
    if valid >= 3 or (valid and valid >= invalid):
        return "utf-8"
    return "cp1252"


def _has_invalid_utf8(head: bytes) -> bool:
    """True when ``head`` has bytes that are not UTF-8 (other than a character cut at its end)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        return not (err.start >= len(head) - 3 and err.reason == "unexpected end of data")
    return False


def _looks_binary(head: bytes) -> bool:
    # NUL padding after the last row (a pre-allocated file) and a stray NUL inside a
    # field (a till's fixed-width field) happen in real text exports; they are removed
    # when reading. A file with NULs throughout (a zip, a PDF, UTF-16 without BOM) is binary.
    sample = head[:8192].rstrip(b"\x00")
    if not sample:
        return bool(head[:8192])
    nuls = sample.count(b"\x00")
    if nuls > max(2, len(sample) // 100):
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32) - nuls
    return controls / len(sample) > 0.05


def _delimiter_score(widths: list[int]) -> tuple[float, int] | None:
    """(share of rows with the most common width, that width), or None below 2 columns."""
    if not widths:
        return None
    common = max(set(widths), key=widths.count)
    if common < 2:
        return None
    return widths.count(common) / len(widths), common


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample lines into the most consistent columns.

    Runs of spaces or tabs (:data:`WHITESPACE`) are the delimiter only when no single
    character splits the lines, when the only commas are decimal commas between the
    fields ("00001 19970101 1 11,77"), or when tabs alone split them unevenly.
    """
    best, best_score = ",", (-1.0, 0)
    # Python 3.10's csv refuses NUL ("line contains NUL"); the reader removes them too.
    text = "\n".join(lines).replace("\x00", "")
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delim))
        except csv.Error:
            continue
        score = _delimiter_score([len(r) for r in rows if any(c.strip() for c in r)])
        if score is not None and score > best_score:
            best, best_score = delim, score
    spaced = _delimiter_score([len(line.split()) for line in lines if line.strip()])
    if spaced is None or spaced[0] < 0.8:
        return best
    if best_score[1] < 2:
        return WHITESPACE
    body = "\n".join(line for line in lines if line.strip())
    decimal_commas = re.sub(r"\d,\d{1,2}(?=[ \t]|$)", "", body, flags=re.MULTILINE)
    if best == "," and "," not in decimal_commas and spaced[1] > best_score[1]:
        return WHITESPACE
    if best == "\t" and best_score[0] < 1.0 and spaced[0] == 1.0:
        return WHITESPACE
    return best


def _split_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    if delimiter == WHITESPACE:
        return [line.split() for line in lines]
    text = "\n".join(lines).replace("\x00", "")  # Python 3.10's csv refuses NUL
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _collapse_whitespace(text: str) -> bytes:
    """A whitespace-aligned table as tab-separated UTF-8: each run of spaces/tabs → one tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"(?m)^[ \t]+|[ \t]+$", "", text)
    return re.sub(r"[ \t]+", "\t", text).encode("utf-8")


def find_header_row(rows: list[list[str]], score_header: HeaderScorer) -> int:
    """0-based index of the header among the first rows: the one naming most known fields.

    Title rows ("Ordreeksport 2024") and blank rows above the header are skipped.
    ``score_header`` maps a row of cells to the number of recognised field names.
    """
    best, best_score = 0, (0, 0)
    for i, row in enumerate(rows[:15]):
        filled = _filled(row)
        if filled < 2:
            continue
        score = (score_header(row), filled)
        if score > best_score:
            best, best_score = i, score
    return best


def _filled(row: Sequence[object]) -> int:
    return sum(1 for c in row if str(c if c is not None else "").strip())


def looks_like_data(row: Sequence[object]) -> bool:
    """True when a row reads as data (numbers, ids, dates, e-mails), not as column names.

    >>> looks_like_data(["00001", "19970101", "1", "11.77"])
    True
    >>> looks_like_data(["Kunde", "Dato", "Total"])
    False
    """
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    hits = sum(1 for c in cells if _DATA_CELL.match(c))
    return len(cells) >= 2 and hits >= 2 and 2 * hits >= len(cells)


@dataclass(frozen=True)
class _Layout:
    """Where the header and the data are among a file's first rows."""

    header: int | None  #: 0-based row of the header; None when the file has none
    start: int  #: 0-based row where the data begins
    names: list[str]  #: the column names to use
    headerless: bool  #: the file has no header and no ``columns`` named its columns
    notes: list[Text]
    #: the header's cells as written, when they name the columns (not ``--columns``)
    header_names: list[str] | None = None


def _layout(
    rows: list[list[str]],
    scorer: HeaderScorer,
    columns: Sequence[str | None] | None,
    path: Path,
    *,
    unit: str = "line",
) -> _Layout:
    """Find the header (or its absence) and name the columns, ``columns`` first.

    ``unit`` is what the file is made of in the notes: a text file's lines, a sheet's rows.
    """
    header = find_header_row(rows, scorer)
    first = next((i for i, row in enumerate(rows[:15]) if _filled(row) >= 2), header)
    no_header = bool(rows) and scorer(rows[header]) == 0 and looks_like_data(rows[first])
    notes: list[Text] = []
    if columns is None:
        if not no_header:
            if header:
                skipped = (
                    "ingest_note_skipped_rows" if unit == "row" else "ingest_note_skipped_lines"
                )
                notes.append(said(skipped, count=header))
            return _Layout(
                header, header + 1, unique_names(rows[header]), False, notes, rows[header]
            )
        width = _data_width(rows[first:])
        names = [f"column_{i}" for i in range(1, width + 1)]
        return _Layout(None, first, names, True, notes)
    start = first if no_header else header + 1
    width = _data_width(rows[start:]) if not no_header else _data_width(rows[first:])
    if not no_header:
        width = max(width, len(rows[header]))
    if len(columns) != width:
        shown = " ".join(rows[start][:8]) if start < len(rows) else ""
        message = (
            said("ingest_columns_count_shown", given=len(columns), width=width, shown=shown)
            if shown
            else said("ingest_columns_count", given=len(columns), width=width)
        )
        raise InputError(message, path=path, hint=said("ingest_columns_count_hint"))
    names = unique_names([c or f"column_{i}" for i, c in enumerate(columns, start=1)])
    if no_header:
        notes.append(said("ingest_note_columns_named"))
        return _Layout(None, first, names, False, notes)
    notes.append(said("ingest_note_header_replaced", cells=" ".join(rows[header][:8])))
    return _Layout(header, header + 1, names, False, notes)


def _data_width(rows: list[list[str]]) -> int:
    widths = [len(r) for r in rows if _filled(r)]
    return max(set(widths), key=widths.count) if widths else 0


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    score_header: HeaderScorer | None = None,
    columns: Sequence[str | None] | None = None,
) -> RawTable:
    """Read ``path`` as a raw table (see :class:`RawTable`), detecting its format.

    ``path`` may be a file, ``-`` / ``/dev/stdin`` or a pipe, and the file may be gzip
    compressed or a zip archive holding one export. ``columns`` names the columns of a
    file without a header row, in order (None for a column to leave out); a header
    row, when the file has one, is replaced.
    """
    path = Path(path)
    content = _Content(path, stream_bytes(path))
    head = content.head()
    if not head.strip():
        raise InputError(
            said("ingest_stdin_empty") if is_stdin(path) else said("ingest_file_empty"),
            path=path,
            hint=said("ingest_stdin_empty_hint") if is_stdin(path) else said("ingest_export_again"),
        )
    notes: list[Text] = []
    content = _unpack(content, notes)
    head = content.head()
    if not head.strip():
        raise InputError(
            said("ingest_archive_export_empty"), path=path, hint=said("ingest_export_again")
        )
    scorer = score_header or _no_score
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        raw = _read_excel(content, sheet, scorer, columns)
    else:
        raw = _read_text(content, head, scorer, columns)
    raw.notes[:0] = notes
    if raw.kind == "excel":
        raw = _excel_days_among_dates(raw)
    return _settle_repeated_headers(raw, scorer)


def _excel_day_expr(days: pl.Expr) -> pl.Expr:
    """Excel day numbers (floats) as datetimes, to the second."""
    seconds = (days * 86_400).round().cast(pl.Int64)
    return pl.lit(EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(seconds=seconds)


def excel_serial_dates(series: pl.Series) -> pl.Series | None:
    """A numeric column of Excel day numbers (45352 = 2024-03-01) as datetimes.

    None unless the column is numeric and every value is a day number in
    :data:`EXCEL_DAYS`: a date column Excel shows as numbers because it lost its
    date format.
    """
    if not series.dtype.is_numeric() or series.dtype == pl.Boolean:
        return None
    values = series.cast(pl.Float64).fill_nan(None).drop_nulls()
    if values.is_empty() or not values.is_between(*EXCEL_DAYS, closed="left").all():
        return None
    days = series.cast(pl.Float64).fill_nan(None)
    return pl.select(_excel_day_expr(pl.lit(days)).alias(series.name)).to_series()


def _excel_days_among_dates(raw: RawTable) -> RawTable:
    """A sheet column of dates where some cells lost their date format (45353): the
    reader gives the dates as text next to the bare day numbers; read those as dates
    too, instead of refusing their rows as "not a date"."""
    frame = raw.frame
    text = [c for c, t in frame.schema.items() if t == pl.String and c != ROW_COL]
    if not text:
        return raw
    cell = {c: pl.col(c).str.strip_chars() for c in text}
    counts = frame.select(
        pl.struct(
            dates=cell[c].str.contains(_EXCEL_DATETIME_TEXT).sum(),
            days=(
                cell[c].str.contains(_EXCEL_DAY_TEXT)
                & cell[c].cast(pl.Float64, strict=False).is_between(*EXCEL_DAYS, closed="left")
            ).sum(),
            filled=cell[c].replace("", None).count(),
        ).alias(c)
        for c in text
    ).row(0, named=True)
    fixed = []
    for c in text:
        n = counts[c]
        if n["dates"] and n["days"] and n["dates"] + n["days"] == n["filled"]:
            fixed.append(c)
    if not fixed:
        return raw
    for c in fixed:
        days = cell[c].cast(pl.Float64, strict=False)
        is_day = cell[c].str.contains(_EXCEL_DAY_TEXT) & days.is_between(*EXCEL_DAYS, closed="left")
        example = frame.filter(is_day).select(cell[c], _excel_day_expr(days).alias("d")).row(0)
        frame = frame.with_columns(
            pl.when(is_day)
            .then(_excel_day_expr(days).dt.strftime("%Y-%m-%d %H:%M:%S"))
            .otherwise(pl.col(c))
            .alias(c)
        )
        raw.notes.append(
            said(
                "ingest_note_excel_days_mixed",
                column=c,
                count=counts[c]["days"],
                example=example[0],
                day=f"{example[1]:%Y-%m-%d}",
            )
        )
    raw.frame = frame
    return raw


def _no_score(row: Sequence[object]) -> int:
    """The header scorer when none is given: no cell names a known field."""
    return 0


def _settle_repeated_headers(raw: RawTable, scorer: HeaderScorer) -> RawTable:
    """Columns with the same header name: the first with values gets the name.

    A shop export may carry a column twice ("E-mail" for the account, empty for
    guests, and "E-mail" for the billing address). The field mapping takes the first
    column of a name, so an empty first copy would lose every value of the second.
    Here the first copy *with values* takes the plain name (the others get ``_2``,
    ``_3``) and a note says so; copies that all hold values and disagree are named
    in a note with the ``--map`` that reads the other one.
    """
    from kunde_cli.ingest.mapping import field_for_header, normalise_header

    header = raw.header_names
    columns = [c for c in raw.frame.columns if c not in (ROW_COL, "_extra")]
    if header is None or len(header) != len(columns):
        return raw
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        if key := normalise_header(name):
            groups.setdefault(key, []).append(i)
    repeated = [g for g in groups.values() if len(g) > 1]
    if not repeated:
        return raw
    frame = raw.frame
    involved = sorted({columns[i] for g in repeated for i in g})
    has_values = frame.select(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None).is_not_null().any()
        for c in involved
    ).row(0, named=True)
    names = list(columns)
    taken = {n.lower() for n in names}
    notes: list[Text] = []
    for group in repeated:
        shown = header[group[0]].strip()
        where = and_list([str(i + 1) for i in group])
        filled = [i for i in group if has_values[columns[i]]]
        if not filled:
            continue
        known = scorer([shown]) > 0
        target = filled[0]
        if target != group[0]:
            plain = names[group[0]]
            others = [i for i in group if i != target]
            names[target] = plain
            for i in others:
                taken.discard(names[i].lower())
            n = 2
            for i in others:
                while f"{plain}_{n}".lower() in taken:
                    n += 1
                names[i] = f"{plain}_{n}"
                taken.add(names[i].lower())
            empty = [i + 1 for i in group if i not in filled]
            notes.append(
                said(
                    "ingest_note_repeated_empty_one"
                    if len(empty) == 1
                    else "ingest_note_repeated_empty_many",
                    count=len(group),
                    name=shown,
                    where=where,
                    empty=and_list([str(i) for i in empty]),
                    target=target + 1,
                )
            )
        if known and len(filled) > 1:
            first = pl.col(columns[target]).cast(pl.String).str.strip_chars()
            differ = [
                i
                for i in filled[1:]
                if frame.select(
                    (first != pl.col(columns[i]).cast(pl.String).str.strip_chars()).any()
                ).item()
            ]
            if differ:
                other = names[differ[0]]
                fld = field_for_header(shown) or "FIELD"
                notes.append(
                    said(
                        "ingest_note_repeated_differ",
                        count=len(group),
                        name=shown,
                        where=where,
                        target=target + 1,
                        other_number=differ[0] + 1,
                        field=fld,
                        other=other,
                    )
                )
    if names != columns:
        rename = dict(zip(columns, names, strict=True))
        frame = frame.rename(lambda c: rename.get(c, c))
    raw.frame = frame
    raw.notes.extend(notes)
    return raw


def _read_text(
    content: _Content, head: bytes, scorer: HeaderScorer, columns: Sequence[str | None] | None
) -> RawTable:
    path = content.path
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:16]
    if (
        start.lower().startswith(_NOT_TABLES)
        or start.startswith(_JSON_STARTS)
        or (start.startswith((b"{", b"[")) and not _has_delimiter(head))
    ):
        raise InputError(said("ingest_not_a_table"), path=path, hint=said("ingest_export_as_table"))
    encoding = detect_encoding(head, complete=len(head) < SNIFF_BYTES)
    if encoding != "utf-16" and _looks_binary(head):
        raise InputError(
            said("ingest_binary"), path=path, hint=said("ingest_export_again_csv_or_excel")
        )
    return _read_csv(content, head, encoding, scorer, columns)


def _unpack(content: _Content, notes: list[Text], depth: int = 0) -> _Content:
    """The export inside a gzip file or a zip archive (not a workbook); else ``content``."""
    head = content.head(8)
    path = content.path
    if depth >= _MAX_UNPACK:
        return content
    if head.startswith(_GZIP_MAGIC):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(content.read())) as unpacked:
                data = unpacked.read(MAX_STREAM_BYTES + 1)
        except (OSError, EOFError, zlib.error):
            raise InputError(
                said("ingest_gzip_damaged"), path=path, hint=said("ingest_download_again")
            ) from None
        _refuse_unpacked(len(data), path)
        notes.append(said("ingest_note_gunzipped"))
        return _unpack(_Content(path, data), notes, depth + 1)
    if not head.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return content
    with _open_zip(content) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" in names or "mimetype" in names:
            return content  # a workbook (.xlsx, .ods) is a zip too
        member = _zip_member(archive, path)
        _refuse_unpacked(member.file_size, path)
        try:
            with archive.open(member) as unpacked:
                data = unpacked.read(MAX_STREAM_BYTES + 1)
        except RuntimeError:
            raise InputError(
                said("ingest_zip_password"), path=path, hint=said("ingest_unzip_first")
            ) from None
        except (NotImplementedError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
            raise InputError(
                said("ingest_zip_member_unreadable", name=member.filename),
                path=path,
                hint=said("ingest_unzip_first"),
            ) from None
    notes.append(said("ingest_note_from_zip", name=member.filename))
    return _unpack(_Content(path, data), notes, depth + 1)


def _refuse_unpacked(size: int, path: Path) -> None:
    """An export that unpacks to more than kunde holds in memory (a zip or gzip bomb)."""
    if size > MAX_STREAM_BYTES:
        raise InputError(
            said("ingest_unpacks_too_large", size=_size_text(MAX_STREAM_BYTES)),
            path=path,
            hint=said("ingest_unpack_yourself"),
        )


def _open_zip(content: _Content) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(
            io.BytesIO(content.data) if content.data is not None else content.path
        )
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError(
            said("ingest_workbook_damaged"), path=content.path, hint=said("ingest_resave_or_csv")
        ) from None


def _zip_member(archive: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    """The one export in an archive; an InputError naming them when there are several."""
    files = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and not Path(info.filename).name.startswith((".", "~$"))
        and Path(info.filename).name.lower() not in ("thumbs.db", "desktop.ini")
    ]
    data = [i for i in files if Path(i.filename).suffix.lower() in _DATA_SUFFIXES] or files
    if not data:
        raise InputError(said("ingest_zip_empty"), path=path, hint=said("ingest_export_again_csv"))
    if len(data) > 1:
        shown = ", ".join(i.filename for i in data[:8]) + (", …" if len(data) > 8 else "")
        raise InputError(
            said("ingest_zip_many", count=len(data), names=shown),
            path=path,
            hint=said(
                "ingest_zip_many_hint", names=" ".join(Path(i.filename).name for i in data[:2])
            ),
        )
    return data[0]


def _has_delimiter(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    return any(first.count(d.encode()) >= 2 for d in DELIMITERS)


def _decode_all(data: bytes, encoding: str) -> str:
    if encoding == "utf-8":
        return data.decode("utf-8", errors="kunde-cp1252")
    return data.decode(encoding, errors="replace")


def _read_csv(
    content: _Content,
    head: bytes,
    encoding: str,
    scorer: HeaderScorer,
    columns: Sequence[str | None] | None,
) -> RawTable:
    path = content.path
    sample_text = head.decode(
        encoding if encoding != "utf-8" else "utf-8",
        errors="kunde-cp1252" if encoding == "utf-8" else "replace",
    )
    if "\r" in sample_text and "\n" not in sample_text:
        sample_text = sample_text.replace("\r", "\n")
    lines = sample_text.splitlines()[:60]
    if len(head) >= SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut
    delimiter = _sniff_delimiter(lines)
    rows = _split_rows(lines, delimiter)
    if not rows or not any(rows):
        raise InputError(said("ingest_no_header"), path=path)
    layout = _layout(rows, scorer, columns, path)
    notes = list(layout.notes)

    nuls = b"\x00" in head and encoding != "utf-16"
    mixed = encoding == "utf-8" and _has_invalid_utf8(head)
    if nuls:
        notes.append(said("ingest_note_nul_removed"))
    if mixed:
        notes.append(said("ingest_note_mixed_encoding"))
    read_as, read_encoding, separator = content, encoding, delimiter
    if delimiter == WHITESPACE:
        # Runs of spaces become one tab, and the file is read as tab-separated.
        text = _decode_all(content.read(), encoding).replace("\x00", "").lstrip("\ufeff")
        read_as, read_encoding, separator = (
            _Content(path, _collapse_whitespace(text)),
            "utf-8",
            "\t",
        )
        nuls = mixed = False
    frame = _polars_csv(read_as, read_encoding, separator, layout, nuls=nuls, mixed=mixed)
    if frame is None:
        notes.append(said("ingest_note_irregular_rows"))
        frame = _python_csv(read_as, read_encoding, separator, layout)
    # Row numbers people see: the first data row is line start+1 (1-based).
    row_offset = layout.start + 1
    frame = frame.with_row_index(ROW_COL, offset=row_offset).with_columns(
        pl.col(ROW_COL).cast(pl.Int64)
    )
    # Blank lines and lines of bare delimiters (";;;;") are not rows: drop them, as the
    # Excel reader drops empty rows, instead of refusing each one as "no date".
    frame = frame.filter(~pl.all_horizontal(pl.exclude(ROW_COL).is_null()))
    return RawTable(
        frame=frame,
        path=path,
        kind="csv",
        encoding=encoding,
        delimiter=delimiter,
        header_row=0 if layout.header is None else layout.header + 1,
        row_offset=row_offset,
        notes=notes,
        headerless=layout.headerless,
        header_names=list(layout.header_names) if layout.header_names is not None else None,
    )


def _polars_csv(
    content: _Content,
    encoding: str,
    delimiter: str,
    layout: _Layout,
    *,
    nuls: bool,
    mixed: bool,
) -> pl.DataFrame | None:
    """Fast path: Polars reads the file; None when it cannot (ragged rows, bad bytes)."""
    source: Path | bytes = content.source
    if encoding not in ("utf-8", "utf-8-sig") or mixed:
        source = _decode_all(content.read(), encoding).encode("utf-8")
    if nuls:
        source = (source if isinstance(source, bytes) else content.read()).replace(b"\x00", b"")
    has_header = layout.header is not None
    try:
        frame = pl.read_csv(
            source,
            separator=delimiter,
            has_header=has_header,
            skip_rows=layout.start if layout.header is None else layout.header,
            new_columns=layout.names,
            infer_schema=False,
            quote_char='"',
            encoding="utf8",
            raise_if_empty=False,
            missing_columns="insert",
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.width != len(layout.names):
        return None
    return frame


def _python_csv(content: _Content, encoding: str, delimiter: str, layout: _Layout) -> pl.DataFrame:
    """Tolerant path for broken files: Python's csv module, extra fields kept in ``_extra``."""
    text = _decode_all(content.read(), encoding).replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    # A field may be megabytes (an image pasted into an order note); the csv module's
    # default limit of 128 kB would stop the whole file.
    csv.field_size_limit(max(csv.field_size_limit(), _MAX_FIELD_CHARS))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    names = layout.names
    width = len(names)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    extra: list[str | None] = []
    for i, row in enumerate(reader):
        if i < layout.start:
            continue
        for c in range(width):
            value = row[c] if c < len(row) else None
            columns[c].append(value if value != "" else None)
        extra.append(delimiter.join(row[width:]) if len(row) > width else None)
    data: dict[str, list[str | None]] = dict(zip(names, columns, strict=True))
    data["_extra"] = extra
    return pl.DataFrame(data, schema={**{n: pl.String for n in names}, "_extra": pl.String})


def _read_excel(
    content: _Content,
    sheet: str | None,
    scorer: HeaderScorer,
    columns: Sequence[str | None] | None,
) -> RawTable:
    """A workbook, checked first and read in a child process (see workbook_guard)."""
    from kunde_cli.ingest import workbook_guard

    if content.head(4) == _ZIP_MAGIC:
        with _open_zip(content) as archive:  # a damaged workbook says so here
            archive.namelist()
        workbook_guard.check_workbook(content.source, content.path, sheet)
    return workbook_guard.read_isolated(content, sheet, scorer, columns)


def _read_excel_here(
    content: _Content,
    sheet: str | None,
    scorer: HeaderScorer | None,
    columns: Sequence[str | None] | None,
) -> RawTable:
    """Read a workbook in this process (the child side of :func:`_read_excel`)."""
    import fastexcel

    path = content.path
    scorer = scorer or _no_score
    header_names = None
    try:
        source = content.data if content.data is not None else str(path)
        reader = fastexcel.read_excel(source)
        names = list(reader.sheet_names)
        chosen = _choose_sheet(reader, names, sheet, path)
        # skip_rows=0 keeps leading blank rows, so preview index = sheet row index.
        preview = reader.load_sheet(chosen, header_row=None, n_rows=15, skip_rows=0).to_polars()
        rows = [[("" if v is None else str(v)) for v in row] for row in preview.iter_rows()]
        if not any(any(c.strip() for c in r) for r in rows):
            raise InputError(said("ingest_sheet_empty", sheet=chosen), path=path)
        layout = _layout(rows, scorer, columns, path, unit="row")
        if layout.header is None:
            frame = reader.load_sheet(chosen, header_row=None, skip_rows=0).to_polars()
            frame = frame.slice(layout.start)
        else:
            frame = reader.load_sheet(chosen, header_row=layout.header).to_polars()
    except fastexcel.FastExcelError as exc:
        text = str(exc).lower()
        if any(word in text for word in ("password", "encrypt", "cfb", "ole")):
            raise InputError(
                said("ingest_workbook_password"),
                path=path,
                hint=said("ingest_workbook_password_hint"),
            ) from None
        raise InputError(
            said("ingest_workbook_unopenable"), path=path, hint=said("ingest_resave_or_csv")
        ) from None
    if layout.header is not None and columns is None:
        header_names = ["" if str(c).startswith("__UNNAMED__") else str(c) for c in frame.columns]
        frame.columns = unique_names(header_names)
    else:
        # Pad or cut to the names (a sheet may be wider than its data rows).
        frame = frame.select(frame.columns[: len(layout.names)])
        frame.columns = layout.names[: frame.width]
        for name in layout.names[frame.width :]:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    row_offset = layout.start + 1
    frame = frame.with_row_index(ROW_COL, offset=row_offset).with_columns(
        pl.col(ROW_COL).cast(pl.Int64)
    )
    frame = frame.filter(~pl.all_horizontal(pl.exclude(ROW_COL).is_null()))
    return RawTable(
        frame=frame,
        path=path,
        kind="excel",
        sheet=chosen,
        header_row=0 if layout.header is None else layout.header + 1,
        row_offset=row_offset,
        notes=list(layout.notes),
        headerless=layout.headerless,
        header_names=header_names,
    )


def _choose_sheet(
    reader: fastexcel.ExcelReader, names: list[str], sheet: str | None, path: Path
) -> str:
    if sheet is not None:
        if sheet in names:
            return sheet
        if re.fullmatch(r"\d+", sheet) and 1 <= int(sheet) <= len(names):
            return names[int(sheet) - 1]
        raise InputError(
            said("ingest_no_such_sheet", sheet=sheet),
            path=path,
            hint=said("ingest_sheets_are", names=", ".join(names)),
        )
    for name in names:
        frame = reader.load_sheet(name, header_row=None, n_rows=5).to_polars()
        if frame.height and frame.width:
            return name
    raise InputError(said("ingest_all_sheets_empty"), path=path)


def and_list(items: Sequence[str]) -> Text:
    """``["1", "2", "3"]`` as "1, 2 and 3" in the run's language; one item as it is.

    >>> and_list(["1", "2", "3"]).worded("en"), and_list(["4"])
    ('1, 2 and 3', '4')
    """
    if len(items) < 2:
        return "".join(items)
    return said("ingest_and", first=", ".join(items[:-1]), last=items[-1])
