"""Read a CSV/TSV/TXT or Excel file into a table of raw values, detecting how it is written.

Detection looks at the bytes, not the file name: an ``.xlsx`` that is really a CSV is
read as CSV, a ``.csv`` that is really a workbook is read as a workbook. Encodings:
UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), Windows-1252/Latin-1;
a file that is mostly UTF-8 with a few Windows-1252 bytes (two exports pasted
together) is read line by line with the Windows-1252 fallback. Delimiters: ``,`` ``;``
tab ``|``. A title row or two above the header is skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kunde_cli.errors import InputError

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


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that are not valid UTF-8 as Windows-1252 (mixed-encoding files)."""
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
    header_row: int = 1  # 1-based row of the header
    row_offset: int = 2
    notes: list[str] = field(default_factory=list)

    @property
    def delimiter_name(self) -> str:
        """The delimiter as a word."""
        return {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}.get(
            self.delimiter or "", "-"
        )


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
            return fh.read(n)
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=path) from None
    except PermissionError:
        raise InputError("no permission to read the file", path=path) from None


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
    # Two exports pasted together: real UTF-8 letters (æ = C3 A6) next to single
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


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample lines into the most consistent columns."""
    best, best_score = ",", (-1.0, 0)
    text = "\n".join(lines)
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delim))
        except csv.Error:
            continue
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        consistency = widths.count(common) / len(widths)
        score = (consistency, common)
        if score > best_score:
            best, best_score = delim, score
    return best


def find_header_row(rows: list[list[str]], score_header) -> int:  # type: ignore[no-untyped-def]
    """0-based index of the header among the first rows: the one naming most known fields.

    Title rows ("Ordreeksport 2024") and blank rows above the header are skipped.
    ``score_header`` maps a row of cells to the number of recognised field names.
    """
    best, best_score = 0, (0, 0)
    for i, row in enumerate(rows[:15]):
        filled = sum(1 for c in row if str(c or "").strip())
        if filled < 2:
            continue
        score = (score_header(row), filled)
        if score > best_score:
            best, best_score = i, score
    return best


def read_table(path: Path, *, sheet: str | None = None, score_header=None) -> RawTable:  # type: ignore[no-untyped-def]
    """Read ``path`` as a raw table (see :class:`RawTable`), detecting its format."""
    path = Path(path)
    head = _head_bytes(path)
    if not head.strip():
        raise InputError(
            "the file is empty", path=path, hint="export the orders again from your shop system"
        )
    scorer = score_header or (lambda row: 0)
    if head.startswith(_ZIP_MAGIC):
        if _is_zip_workbook(path):
            return _read_excel(path, sheet, scorer)
        raise InputError(
            "this is a zip archive, not a table",
            path=path,
            hint="unzip it first and give kunde the CSV or Excel file inside",
        )
    if head.startswith(_OLE_MAGIC):
        return _read_excel(path, sheet, scorer)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:16]
    if (
        start.lower().startswith(_NOT_TABLES)
        or start.startswith(_JSON_STARTS)
        or (start.startswith((b"{", b"[")) and not _has_delimiter(head))
    ):
        raise InputError(
            "this is not a table (CSV or Excel)",
            path=path,
            hint="export the orders as CSV or Excel",
        )
    encoding = detect_encoding(head, complete=len(head) < SNIFF_BYTES)
    if encoding != "utf-16" and _looks_binary(head):
        raise InputError(
            "binary data, not a CSV or Excel file",
            path=path,
            hint="export the orders again as CSV (UTF-8) or Excel",
        )
    return _read_csv(path, head, encoding, scorer)


def _has_delimiter(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    return any(first.count(d.encode()) >= 2 for d in DELIMITERS)


def _is_zip_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise InputError(
            "the workbook is damaged (not a valid .xlsx/zip file)",
            path=path,
            hint="open it in Excel and save it again, or export as CSV",
        ) from None
    return "[Content_Types].xml" in names or "mimetype" in names


def _decode_all(data: bytes, encoding: str) -> str:
    if encoding == "utf-8":
        return data.decode("utf-8", errors="kunde-cp1252")
    return data.decode(encoding, errors="replace")


def _read_csv(path: Path, head: bytes, encoding: str, scorer) -> RawTable:  # type: ignore[no-untyped-def]
    notes: list[str] = []
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
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header_idx = find_header_row(rows, scorer)
    if not rows or not rows[header_idx]:
        raise InputError("no header row found", path=path)
    names = unique_names(rows[header_idx])
    # Row numbers people see: header is line header_idx+1 (1-based), data starts after.
    row_offset = header_idx + 2
    if header_idx:
        notes.append(f"skipped {header_idx} line(s) above the header")

    nuls = b"\x00" in head and encoding != "utf-16"
    if nuls:
        notes.append("removed NUL bytes (0x00) from the file")
    mixed = encoding == "utf-8" and _has_invalid_utf8(head)
    if mixed:
        notes.append("some characters are not UTF-8; read them as Windows-1252")
    frame = _polars_csv(path, encoding, delimiter, header_idx, names, nuls=nuls, mixed=mixed)
    if frame is None:
        notes.append("the file has irregular rows; read with the tolerant reader")
        frame = _python_csv(path, encoding, delimiter, header_idx, names)
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
        header_row=header_idx + 1,
        row_offset=row_offset,
        notes=notes,
    )


def _polars_csv(
    path: Path,
    encoding: str,
    delimiter: str,
    header_idx: int,
    names: list[str],
    *,
    nuls: bool,
    mixed: bool,
) -> pl.DataFrame | None:
    """Fast path: Polars reads the file; None when it cannot (ragged rows, bad bytes)."""
    source: Path | bytes = path
    if encoding not in ("utf-8", "utf-8-sig") or mixed:
        source = _decode_all(path.read_bytes(), encoding).encode("utf-8")
    if nuls:
        source = (source if isinstance(source, bytes) else path.read_bytes()).replace(b"\x00", b"")
    try:
        frame = pl.read_csv(
            source,
            separator=delimiter,
            has_header=True,
            skip_rows=header_idx,
            new_columns=names,
            infer_schema=False,
            quote_char='"',
            encoding="utf8",
            raise_if_empty=False,
            missing_columns="insert",
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.width != len(names):
        return None
    return frame


def _python_csv(
    path: Path, encoding: str, delimiter: str, header_idx: int, names: list[str]
) -> pl.DataFrame:
    """Tolerant path for broken files: Python's csv module, extra fields kept in ``_extra``."""
    text = _decode_all(path.read_bytes(), encoding).replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    # A field may be megabytes (an image pasted into an order note); the csv module's
    # default limit of 128 kB would stop the whole file.
    csv.field_size_limit(max(csv.field_size_limit(), _MAX_FIELD_CHARS))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    width = len(names)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    extra: list[str | None] = []
    for i, row in enumerate(reader):
        if i <= header_idx:
            continue
        for c in range(width):
            value = row[c] if c < len(row) else None
            columns[c].append(value if value != "" else None)
        extra.append(delimiter.join(row[width:]) if len(row) > width else None)
    data: dict[str, list[str | None]] = dict(zip(names, columns, strict=True))
    data["_extra"] = extra
    return pl.DataFrame(data, schema={**{n: pl.String for n in names}, "_extra": pl.String})


def _read_excel(path: Path, sheet: str | None, scorer) -> RawTable:  # type: ignore[no-untyped-def]
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
        chosen = _choose_sheet(reader, names, sheet, path)
        # skip_rows=0 keeps leading blank rows, so preview index = sheet row index.
        preview = reader.load_sheet(chosen, header_row=None, n_rows=15, skip_rows=0).to_polars()
        rows = [[("" if v is None else str(v)) for v in row] for row in preview.iter_rows()]
        if not any(any(c.strip() for c in r) for r in rows):
            raise InputError(f"sheet '{chosen}' is empty", path=path)
        header_idx = find_header_row(rows, scorer)
        frame = reader.load_sheet(chosen, header_row=header_idx).to_polars()
    except fastexcel.FastExcelError as exc:
        text = str(exc).lower()
        if any(word in text for word in ("password", "encrypt", "cfb", "ole")):
            raise InputError(
                "cannot open the workbook: it is password-protected or not a real Excel file",
                path=path,
                hint="open it in Excel, save a copy without password, or export as CSV",
            ) from None
        raise InputError(
            "cannot open the workbook (damaged or not a real Excel file)",
            path=path,
            hint="open it in Excel and save it again, or export as CSV",
        ) from None
    frame.columns = unique_names(
        ["" if str(c).startswith("__UNNAMED__") else str(c) for c in frame.columns]
    )
    frame = frame.with_row_index(ROW_COL, offset=header_idx + 2).with_columns(
        pl.col(ROW_COL).cast(pl.Int64)
    )
    frame = frame.filter(~pl.all_horizontal(pl.exclude(ROW_COL).is_null()))
    notes = [f"skipped {header_idx} row(s) above the header"] if header_idx else []
    return RawTable(
        frame=frame,
        path=path,
        kind="excel",
        sheet=chosen,
        header_row=header_idx + 1,
        row_offset=header_idx + 2,
        notes=notes,
    )


def _choose_sheet(reader, names: list[str], sheet: str | None, path: Path) -> str:  # type: ignore[no-untyped-def]
    if sheet is not None:
        if sheet in names:
            return sheet
        if re.fullmatch(r"\d+", sheet) and 1 <= int(sheet) <= len(names):
            return names[int(sheet) - 1]
        raise InputError(
            f"no sheet called '{sheet}'",
            path=path,
            hint=f"sheets in this workbook: {', '.join(names)}",
        )
    for name in names:
        frame = reader.load_sheet(name, header_row=None, n_rows=5).to_polars()
        if frame.height and frame.width:
            return name
    raise InputError("every sheet in the workbook is empty", path=path)
