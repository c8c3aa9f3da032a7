"""Workbooks are checked before they are read, and read where a crash cannot take kunde down.

A workbook is a zip of XML files, and the Excel reader (fastexcel, on the Rust library
calamine) trusts what they declare: a 2 KB file with one cell at ``XFD1048576`` asks
for 512 GB and aborts the whole process; a 250 KB file holding one 256 MB shared
string takes gigabytes. So:

1. :func:`check_workbook` opens the file as a zip (nothing is extracted) and refuses it
   when the declared sizes, the compression ratio, a sheet's declared dimension or a
   shared string is above the bounds below. Each check reads at most a bounded head of
   one member, or streams ``sharedStrings.xml`` once in small chunks.
2. :func:`read_isolated` reads the workbook in a child process (a fresh Python, its
   address space limited by :data:`CHILD_MEMORY_BYTES`), which writes the sheet to an
   Arrow IPC file in a private temporary folder. A child that dies (a signal, out of
   memory) becomes one line and exit 2 naming the file; kunde itself never holds the
   reader's memory.

The bounds are generous for what a small shop exports (well under a million order
lines of a few dozen columns) and far below what a hostile file asks for.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kunde_cli.errors import InputError, KundeError
from kunde_cli.words.said import Figure, Said, Text, figure, said

if TYPE_CHECKING:
    from kunde_cli.ingest.readers import HeaderScorer, RawTable, _Content

GiB = 1 << 30
MiB = 1 << 20

#: Largest declared uncompressed size of all members together. A workbook of a
#: million order lines × 30 columns is about 1.5 GB of XML, but compresses to ~100 MB
#: and is more than a shop exports; 2 GiB leaves room and still stops a bomb.
MAX_UNCOMPRESSED_BYTES = 2 * GiB
#: Largest declared uncompressed size of one member (one sheet's XML, the shared strings).
MAX_MEMBER_BYTES = 2 * GiB
#: Most members a workbook may have (a workbook has a dozen; each sheet is a few).
MAX_MEMBERS = 10_000
#: Compression ratio above which a member is a zip bomb, not a sheet. Sheet XML of real
#: exports compresses 5–30 ×; deflate's ceiling is about 1,030 ×, reached only by long
#: runs of one byte. Members smaller than :data:`RATIO_FLOOR_BYTES` are never refused
#: for their ratio (an empty sheet's XML compresses very well and costs nothing).
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 16 * MiB
#: Most cells one sheet may declare (its ``<dimension ref>``): Excel's full 1,048,576
#: rows × 100 columns. A small shop's export is far below; a hostile file declares
#: A1:XFD1048576 (17 billion cells), which the reader would allocate at once.
MAX_SHEET_CELLS = 1_048_576 * 100
#: Excel's own limits: a dimension beyond them is not from a real workbook.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
#: Longest shared string (bytes of text between two XML tags). Excel itself stores at
#: most 32,767 characters in a cell; 1 MiB leaves room for other writers (a pasted
#: product description) and stops a string of hundreds of megabytes.
MAX_SHARED_STRING_BYTES = 1 * MiB
#: How much of a sheet's XML is read to find its ``<dimension>`` (it comes first, after
#: the sheet properties).
DIMENSION_SCAN_BYTES = 64 * 1024
#: How much of workbook.xml and its relationships is read to name the sheets.
WORKBOOK_SCAN_BYTES = 4 * MiB
#: Chunk size for streaming sharedStrings.xml; must not exceed MAX_SHARED_STRING_BYTES.
_CHUNK = 256 * 1024
#: Address space the reading child may use: the machine's memory, at most 16 GiB and at
#: least 2 GiB. A file that asks for more fails fast instead of swapping the machine.
#: ``0`` switches the limit off.
CHILD_MEMORY_BYTES: int | None = None
#: Read in a child process (False reads in this process: for debugging only).
ISOLATE = True

_CELL = re.compile(r"\$?([A-Z]{1,4})\$?(\d{1,8})")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*[\"']([^\"']*)[\"']")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")

_REFUSED_HINT = said("ingest_workbook_refused_hint")


# --- checks before reading ---------------------------------------------------------


def check_workbook(source: Path | bytes, path: Path, sheet: str | None = None) -> None:
    """Refuse a workbook whose declared sizes could take the reader down (InputError).

    ``source`` is the file or its bytes; ``path`` is the file as given (for messages);
    ``sheet`` (name or 1-based number) narrows the dimension check to that sheet.
    Files that are not zips (.xls) pass: their format has fixed small limits.
    """
    head = source[:4] if isinstance(source, bytes) else _file_head(source, 4)
    if head != b"PK\x03\x04":
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError(
            said("ingest_workbook_damaged"), path=path, hint=said("ingest_resave_or_csv")
        ) from None
    with archive:
        try:
            _check_sizes(archive, path)
            _check_dimensions(archive, path, sheet)
            _check_shared_strings(archive, path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
            raise InputError(
                said("ingest_workbook_part_damaged"), path=path, hint=_REFUSED_HINT
            ) from None
        except NotImplementedError:
            raise InputError(
                said("ingest_workbook_compression"), path=path, hint=_REFUSED_HINT
            ) from None


def _file_head(path: Path, n: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(n)


def _size(n: int) -> str:
    return f"{n / GiB:.1f} GB" if n >= GiB else f"{n / MiB:.0f} MB"


def _check_sizes(archive: zipfile.ZipFile, path: Path) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(
            said("ingest_workbook_parts", count=figure(len(infos))), path=path, hint=_REFUSED_HINT
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(
                said(
                    "ingest_workbook_member_too_large",
                    name=info.filename,
                    size=_size(info.file_size),
                    limit=_size(MAX_MEMBER_BYTES),
                ),
                path=path,
                hint=_REFUSED_HINT,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise InputError(
                said(
                    "ingest_workbook_zip_bomb",
                    name=info.filename,
                    ratio=figure(ratio),
                    size=_size(info.file_size),
                ),
                path=path,
                hint=_REFUSED_HINT,
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            said(
                "ingest_workbook_too_large",
                size=_size(total),
                limit=_size(MAX_UNCOMPRESSED_BYTES),
            ),
            path=path,
            hint=said("ingest_workbook_too_large_hint"),
        )


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def dimension_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) a ``<dimension ref>`` declares; None when it is not a cell range.

    >>> dimension_size("A1:XFD1048576")
    (1048576, 16384)
    >>> dimension_size("B2")
    (1, 1)
    """
    cells = [_CELL.fullmatch(part.strip().upper()) for part in ref.split(":")]
    if not cells or len(cells) > 2 or any(c is None for c in cells):
        return None
    first, last = cells[0], cells[-1]
    assert first is not None and last is not None
    rows = abs(int(last.group(2)) - int(first.group(2))) + 1
    cols = abs(_column_number(last.group(1)) - _column_number(first.group(1))) + 1
    return rows, cols


def _read_head(archive: zipfile.ZipFile, name: str, n: int) -> bytes:
    with archive.open(name) as handle:
        return handle.read(n)


def _attrs(blob: bytes) -> dict[str, str]:
    return {
        k.decode("ascii", "replace").split(":")[-1].lower(): html.unescape(
            v.decode("utf-8", "replace")
        )
        for k, v in _ATTR.findall(blob)
    }


def sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, XML part) in the workbook's order; parts by name when unlisted."""
    names = set(archive.namelist())
    found: list[tuple[str, str]] = []
    if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
        targets = {}
        for blob in _RELATIONSHIP.findall(
            _read_head(archive, "xl/_rels/workbook.xml.rels", WORKBOOK_SCAN_BYTES)
        ):
            attrs = _attrs(blob)
            target = attrs.get("target", "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[attrs.get("id", "")] = os.path.normpath(part).replace(os.sep, "/")
        for blob in _SHEET.findall(_read_head(archive, "xl/workbook.xml", WORKBOOK_SCAN_BYTES)):
            attrs = _attrs(blob)
            sheet = targets.get(attrs.get("id", ""))
            if sheet in names and sheet.endswith(".xml"):
                found.append((attrs.get("name", sheet), sheet))
    listed = {part for _, part in found}
    for part in sorted(names):
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", part) and part not in listed:
            found.append((part, part))
    return found


def _check_dimensions(archive: zipfile.ZipFile, path: Path, sheet: str | None) -> None:
    sheets = sheet_parts(archive)
    if sheet is not None:
        chosen = [s for s in sheets if s[0] == sheet]
        if not chosen and re.fullmatch(r"\d+", sheet) and 1 <= int(sheet) <= len(sheets):
            chosen = [sheets[int(sheet) - 1]]
        sheets = chosen or sheets
    for name, part in sheets:
        match = _DIMENSION.search(_read_head(archive, part, DIMENSION_SCAN_BYTES))
        if match is None:
            continue
        ref = match.group(1).decode("ascii", "replace")
        size = dimension_size(ref)
        if size is None:
            continue
        rows, cols = size
        if rows > EXCEL_ROWS or cols > EXCEL_COLUMNS or rows * cols > MAX_SHEET_CELLS:
            raise InputError(
                said(
                    "ingest_sheet_too_many_cells",
                    sheet=name,
                    rows=figure(rows),
                    cols=figure(cols),
                    ref=ref,
                    limit=figure(MAX_SHEET_CELLS),
                ),
                path=path,
                hint=said("ingest_sheet_too_many_cells_hint"),
            )


def _check_shared_strings(archive: zipfile.ZipFile, path: Path) -> None:
    names = archive.namelist()
    parts = [n for n in names if n.lower().endswith("sharedstrings.xml")]
    for part in parts:
        with archive.open(part) as handle:
            longest = longest_text_run(handle, stop_above=MAX_SHARED_STRING_BYTES)
        if longest > MAX_SHARED_STRING_BYTES:
            raise InputError(
                said("ingest_workbook_long_text", size=_size(MAX_SHARED_STRING_BYTES)),
                path=path,
                hint=_REFUSED_HINT,
            )


def longest_text_run(handle: IO[bytes], *, stop_above: int) -> int:
    """Length of the longest stretch of bytes without ``<`` (a text between XML tags),
    exact when it exceeds the chunk size; stops reading once ``stop_above`` is passed.

    Runs inside one chunk are shorter than the chunk, so only runs that cross chunk
    boundaries are measured: C-speed ``find``/``rfind`` per chunk, no per-tag work.
    """
    run = 0
    longest = 0
    while chunk := handle.read(_CHUNK):
        first = chunk.find(b"<")
        if first < 0:
            run += len(chunk)
        else:
            longest = max(longest, run + first)
            run = len(chunk) - chunk.rfind(b"<") - 1
        longest = max(longest, run)
        if longest > stop_above:
            break
    return longest


# --- reading in a child process -------------------------------------------------------


def memory_limit() -> int:
    """Bytes of address space the reading child may use (0: no limit)."""
    if CHILD_MEMORY_BYTES is not None:
        return CHILD_MEMORY_BYTES
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        physical = 8 * GiB
    return max(2 * GiB, min(physical, 16 * GiB))


def _scorer_name(scorer: HeaderScorer | None) -> str | None:
    if scorer is None:
        return None
    module, qualname = getattr(scorer, "__module__", None), getattr(scorer, "__qualname__", "")
    if not module or "<" in qualname:
        raise TypeError(f"the header scorer must be a module-level function, not {scorer!r}")
    return f"{module}:{qualname}"


def _import(name: str) -> Callable[..., Any]:
    import importlib

    module, qualname = name.split(":")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    found: Callable[..., Any] = obj  # what _scorer_name named: a module-level function
    return found


_CHILD_CODE = (
    "import resource, sys\n"
    "limit = int(sys.argv[1])\n"
    "if limit > 0:\n"
    "    soft, hard = resource.getrlimit(resource.RLIMIT_AS)\n"
    "    if hard != resource.RLIM_INFINITY:\n"
    "        limit = min(limit, hard)\n"
    "    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))\n"
    "from kunde_cli.ingest.workbook_guard import child_main\n"
    "child_main(sys.argv[2])\n"
)


def read_isolated(
    content: _Content,
    sheet: str | None,
    scorer: HeaderScorer | None,
    columns: Sequence[str | None] | None,
) -> RawTable:
    """Read a workbook in a child process (see the module docstring); a RawTable."""
    from kunde_cli.ingest.readers import _read_excel_here

    path = content.path
    if not ISOLATE:
        return _read_excel_here(content, sheet, scorer, columns)
    try:
        return _read_in_child(content, sheet, scorer, columns)
    except OSError as exc:  # the temporary folder: full, read-only, missing
        raise InputError(
            said("ingest_workbook_tmp", reason=str(exc.strerror or exc)),
            path=path,
            hint=said("ingest_tmp_hint"),
        ) from None


def _read_in_child(
    content: _Content,
    sheet: str | None,
    scorer: Callable[..., Any] | None,
    columns: Sequence[str | None] | None,
) -> RawTable:
    import polars as pl

    from kunde_cli.ingest.readers import RawTable

    path = content.path
    with tempfile.TemporaryDirectory(prefix="kunde-read-") as tmp:
        folder = Path(tmp)  # mkdtemp: mode 0700, only this user reads the sheet
        source = str(path)
        if content.data is not None:
            source = str(folder / "workbook")
            with open(source, "wb", opener=_private) as handle:
                handle.write(content.data)
        request = {
            "path": str(path),
            "source": source,
            "sheet": sheet,
            "scorer": _scorer_name(scorer),
            "columns": list(columns) if columns is not None else None,
            "out": str(folder / "sheet.arrow"),
            "result": str(folder / "result.json"),
        }
        (folder / "request.json").write_text(json.dumps(request), encoding="utf-8")
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _CHILD_CODE,
                    str(memory_limit()),
                    str(folder / "request.json"),
                ],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
                env=_child_env(),
            )
        except OSError as exc:
            raise InputError(
                said("ingest_workbook_reader_start", reason=str(exc.strerror or exc)), path=path
            ) from None
        result_file = folder / "result.json"
        result = (
            json.loads(result_file.read_text(encoding="utf-8")) if result_file.exists() else None
        )
        if done.returncode != 0 or result is None:
            raise _crash(path, done.returncode, done.stderr.decode("utf-8", "replace"))
        if "error" in result:
            err = result["error"]
            raise InputError(
                text_from_json(err["message"]),
                path=path,
                row=err.get("row"),
                column=err.get("column"),
                hint=None if err.get("hint") is None else text_from_json(err["hint"]),
            ) from None
        if "bug" in result:
            raise RuntimeError(f"the workbook reader failed on {path}:\n{result['bug']}")
        meta = result["ok"]
        frame = pl.read_ipc(folder / "sheet.arrow")
    return RawTable(
        frame=frame,
        path=path,
        kind="excel",
        sheet=meta["sheet"],
        header_row=meta["header_row"],
        row_offset=meta["row_offset"],
        notes=[text_from_json(note) for note in meta["notes"]],
        headerless=meta["headerless"],
        header_names=meta["header_names"],
    )


def _child_env() -> dict[str, str]:
    """This environment, with the folder kunde_cli was imported from first on the path
    (the child must import the same kunde, wherever this one came from)."""
    import kunde_cli

    env = dict(os.environ)
    root = Path(kunde_cli.__file__).resolve().parent.parent
    if root.name not in ("site-packages", "dist-packages"):  # installed: found anyway
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    return env


def _private(name: str, flags: int) -> int:
    return os.open(name, flags | os.O_EXCL, 0o600)


def _crash(path: Path, returncode: int, stderr: str) -> InputError:
    """The one-line error for a reader that died (a signal, out of memory)."""
    out_of_memory = "memory allocation" in stderr or "MemoryError" in stderr
    message: Said
    if out_of_memory:
        limit = memory_limit()
        message = (
            said("ingest_workbook_out_of_memory", limit=_size(limit))
            if limit
            else said("ingest_workbook_out_of_memory_unlimited")
        )
    elif returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        message = said("ingest_workbook_crashed", signal=name)
    else:
        message = said("ingest_workbook_stopped", code=returncode)
    if os.environ.get("KUNDE_DEBUG") and stderr.strip():
        sys.stderr.write(stderr)
    return InputError(message, path=path, hint=_REFUSED_HINT)


def child_main(request_file: str) -> None:
    """The child's side: read the workbook, write the sheet and a result file."""
    request = json.loads(Path(request_file).read_text(encoding="utf-8"))
    result: dict[str, Any]
    try:
        from kunde_cli.ingest.readers import _Content, _read_excel_here

        scorer = _import(request["scorer"]) if request["scorer"] else None
        source = Path(request["source"])
        shown = Path(request["path"])
        content = (
            _Content(shown)
            if source == shown
            else _Content(shown, source.read_bytes())  # bytes from a pipe or an archive
        )
        columns = request["columns"]
        raw = _read_excel_here(
            content, request["sheet"], scorer, tuple(columns) if columns is not None else None
        )
        raw.frame.write_ipc(request["out"], compression="uncompressed")
        result = {
            "ok": {
                "sheet": raw.sheet,
                "header_row": raw.header_row,
                "row_offset": raw.row_offset,
                "notes": [text_to_json(note) for note in raw.notes],
                "headerless": raw.headerless,
                "header_names": raw.header_names,
            }
        }
    except KundeError as err:
        result = {
            "error": {
                "message": text_to_json(err.said),
                "hint": None if err.hint is None else text_to_json(err.hint),
                "row": err.row,
                "column": err.column,
            }
        }
    except OSError as exc:  # writing the sheet: the temporary folder is full
        result = {
            "error": {
                "message": text_to_json(
                    said("ingest_workbook_tmp_write", reason=str(exc.strerror or exc))
                ),
                "hint": text_to_json(said("ingest_tmp_hint")),
                "row": None,
            }
        }
    except MemoryError:
        sys.stderr.write("MemoryError\n")
        sys.exit(3)
    except Exception:
        result = {"bug": traceback.format_exc()}
    Path(request["result"]).write_text(json.dumps(result), encoding="utf-8")


# --- sentences across the process boundary ------------------------------------------


def text_to_json(text: Text) -> Any:
    """A :class:`Said` (or plain text) as JSON: ``{"key": …, "values": {…}}``, nested
    sentences likewise; other values that JSON does not hold become their text.

    >>> text_to_json(said("ingest_sheet_empty", sheet="Ark1"))
    {'key': 'ingest_sheet_empty', 'values': {'sheet': 'Ark1'}}
    """
    if not isinstance(text, Said):
        return str(text)
    return {"key": text.key, "values": {name: _value_to_json(v) for name, v in text.values}}


def _value_to_json(value: Any) -> Any:
    if isinstance(value, Said):
        return text_to_json(value)
    if isinstance(value, Figure):
        return {"figure": [value.value, value.decimals, value.kind, value.currency]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def text_from_json(data: Any) -> Text:
    """What :func:`text_to_json` wrote, as the same :class:`Said` (or text) again.

    >>> note = said("ingest_and", first=figure(1234), last=said("ingest_what_pipe"))
    >>> text_from_json(json.loads(json.dumps(text_to_json(note)))) == note
    True
    """
    if isinstance(data, dict) and isinstance(data.get("key"), str):
        values = data.get("values") or {}
        return said(data["key"], **{name: _value_from_json(v) for name, v in values.items()})
    return str(data)


def _value_from_json(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("figure"), list):
        number, decimals, kind, currency = value["figure"]
        return figure(number, decimals, kind=kind, currency=currency)
    return text_from_json(value) if isinstance(value, dict) else value
