"""One ``emit`` for every result table: table | csv | json | parquet | xlsx.

stdout carries only the result. The default format is a Rich table when stdout is a
terminal and CSV when it is piped (cron, ``| head``, a spreadsheet); ``--format``
always wins. CSV and Excel text cells are protected against formula injection.

Files for scripts keep snake_case headers and codes (``segment``, ``champion``);
``--csv-style da`` is for a person opening the file in Excel: semicolons, decimal
commas, and headers and codes in words in the run's language (:func:`for_people`).

Same data, same bytes: every file format is written from :func:`rounded` — money to
the cent, shares and rates to 4 decimals, other measures to 4 decimals — so float noise
from the order in which a sum was added up (``41565.600000000006``) never reaches a
file, and two runs on the same data give byte-identical output.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.errors import ConfigError, OutputError
from kunde_cli.words.lang import DEFAULT_LANG, LANGS
from kunde_cli.words.numbers import date_pattern
from kunde_cli.words.said import Said, Text, said

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.render.priority import Priority


#: Columns holding sentences; a terminal table shows them in a table of their own.
LONG_TEXT_COLUMNS = ("action", "next_step", "what_to_do", "explanation")


class Choice(str, Enum):
    """The values an option takes (``--format csv``), each member a str equal to its value.

    What ``enum.StrEnum`` is from Python 3.11, for 3.10: ``str()`` and f-strings give the
    value (``csv``), not ``OutputFormat.csv``. Every command's choices derive from it."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)


class OutputFormat(Choice):
    """Formats every analysis command can write."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"
    xlsx = "xlsx"


def resolve_format(fmt: OutputFormat | str | None, output: Path | None) -> OutputFormat:
    """Pick the format: explicit, else from the output's suffix, else tty → table, pipe → csv."""
    if fmt:
        return OutputFormat(fmt)
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in {f.value for f in OutputFormat} and suffix != "table":
            return OutputFormat(suffix)
        return OutputFormat.csv
    return OutputFormat.table if sys.stdout.isatty() else OutputFormat.csv


#: Told the paths of the files each :func:`write_outputs` wrote (see
#: :func:`on_files_written`). The CLI sets it while a command reads a workspace, to keep
#: the workspace's record of what it wrote; render itself knows nothing of workspaces.
_files_written: Callable[[list[Path]], None] | None = None


def on_files_written(hook: Callable[[list[Path]], None]) -> Callable[[], None]:
    """Call ``hook(paths)`` after every :func:`write_outputs` that wrote files (the paths
    as the user named them; not stdout, a device or a FIFO written through). The hook
    must not fail the command: anything it raises is ignored. Returns the function that
    removes it again."""
    global _files_written
    _files_written = hook

    def remove() -> None:
        global _files_written
        if _files_written is hook:
            _files_written = None

    return remove


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to the user-named ``path``; see :func:`write_outputs`."""
    write_outputs([(path, data)])


def write_outputs(items: Sequence[tuple[Path, bytes]], *, unchanged: Text | None = None) -> None:
    """Write each ``(path, data)`` where the user asked, respecting what is there.

    - A missing path or a regular file: written to a temporary file beside it and
      renamed onto it, so the previous file stays whole until the new one is complete
      (the workspace's atomic writer, :mod:`kunde_cli.store.atomic`).
      With several items every temporary file is written before any is renamed: a full
      disk leaves all previous files (an HTML report and its workbook) unchanged.
    - A symbolic link to a regular file: the file it points to is replaced the same way,
      in its own folder; the link stays a link.
    - A character device (``/dev/null``), a FIFO, or ``/dev/stdout``-like links into
      ``/proc/self/fd``: written through, never replaced.
    - A folder, a dangling link, a link loop, a disk (block) device or a socket:
      refused with an :class:`OutputError` before anything is written.

    Every OS error (disk full, ``ulimit -f``, read-only, permission) becomes an
    :class:`OutputError` saying what is unchanged (``unchanged``, else worked out per
    file). Nothing here raises ``OSError``.
    """
    from kunde_cli.store import atomic

    plans = [_plan_output(Path(path)) for path, _ in items]
    temps: list[tuple[Path, _Plan]] = []
    try:
        for plan, (_, data) in zip(plans, items, strict=True):
            if not plan.through:
                temps.append((_write_temp(plan, data, unchanged), plan))
        for plan, (_, data) in zip(plans, items, strict=True):
            if plan.through:
                _write_through(plan, data)
        for tmp, plan in temps:
            with _output_errors(plan, unchanged):
                atomic.replace(tmp, plan.target)
        for folder in dict.fromkeys(plan.target.parent for _, plan in temps):
            # The files are in place; a folder whose entries cannot be flushed (some
            # network shares refuse) changes nothing of that.
            with contextlib.suppress(OSError):
                atomic.fsync_dir(folder)
    finally:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    hook = _files_written
    if hook is not None and temps:
        # A record that cannot be kept never fails the output the user asked for.
        with contextlib.suppress(Exception):
            hook([plan.named for _, plan in temps])


@dataclass(frozen=True)
class _Plan:
    """Where and how one output is written."""

    named: Path  # the path the user gave (for messages)
    target: Path  # the file replaced, or the path opened when written through
    through: bool = False  # open and write; no temporary file, no rename
    append: bool = False  # a /dev/stdout-like link: add to what the shell opened
    existed: bool = False


#: OS errors on an output, in words. Anything else is said with the system's words.
_OUTPUT_OS_ERRORS = {
    errno.ENOSPC: said("disk_full"),
    errno.EDQUOT: said("disk_quota"),
    errno.EFBIG: said("output_too_large"),
    errno.EROFS: said("disk_read_only"),
    errno.EACCES: said("output_permission_denied"),
    errno.EPERM: said("output_permission_denied"),
    errno.ENOTDIR: said("output_path_has_file"),
    errno.EISDIR: said("output_it_is_folder"),
    errno.ENAMETOOLONG: said("output_name_too_long"),
    errno.ELOOP: said("output_path_loop"),
    errno.ENXIO: said("output_no_reader"),
    errno.EEXIST: said("output_path_has_file"),
}

#: Paths that are the process's own open files (``/dev/stdout`` → ``/proc/self/fd/1``).
_FD_PREFIXES = ("/proc/", "/dev/fd/")


def _os_reason(err: OSError) -> Text:
    """The OS error in words; one kunde has no words for in the system's (English) words."""
    return _OUTPUT_OS_ERRORS.get(err.errno or 0) or (err.strerror or str(err)).lower()


def _cannot_write(err: OSError, after: Text) -> Said:
    return said("output_cannot_write", reason=_os_reason(err), after=after)


@contextlib.contextmanager
def _output_errors(plan: _Plan, unchanged: Text | None = None) -> Iterator[None]:
    """Turn an OSError while writing ``plan`` into a one-line OutputError."""
    try:
        yield
    except OSError as err:
        after: Text
        if plan.through:
            after = said("output_partly_written")
        elif unchanged:
            after = unchanged
        elif plan.existed:
            after = said("output_previous_unchanged")
        else:
            after = said("output_nothing_written")
        raise OutputError(
            _cannot_write(err, after), path=plan.named, hint=_HINTS.get(err.errno or 0)
        ) from None


_HINTS = {
    errno.ENOSPC: said("output_hint_free_space"),
    errno.EDQUOT: said("output_hint_free_space"),
    errno.EFBIG: said("output_hint_ulimit"),
    errno.EROFS: said("output_hint_elsewhere"),
    errno.EACCES: said("output_hint_permissions"),
    errno.EPERM: said("output_hint_permissions"),
}


def _plan_output(path: Path) -> _Plan:
    """Look at what is at ``path`` (without changing anything) and decide how to write."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return _Plan(path, path)
    except OSError as err:
        blocker = _file_above(path)
        raise OutputError(
            said("output_file_above", blocker=blocker)
            if blocker is not None
            else _cannot_write(err, said("output_nothing_written")),
            path=path,
        ) from None
    target, append = path, False
    if stat.S_ISLNK(st.st_mode):
        append = _is_fd_link(path)
        try:
            st = path.stat()
        except OSError as err:
            if err.errno == errno.ENOENT:
                raise OutputError(
                    said("output_dangling_link", target=path.readlink()),
                    path=path,
                    hint=said("output_link_hint"),
                ) from None
            if err.errno == errno.ELOOP:
                raise OutputError(
                    said("output_link_loop"), path=path, hint=said("output_link_hint")
                ) from None
            raise OutputError(
                _cannot_write(err, said("output_nothing_written")), path=path
            ) from None
        if stat.S_ISREG(st.st_mode) and not append:
            real = Path(os.path.realpath(path))
            try:
                same = os.path.samestat(real.stat(), st)
            except OSError:
                same = False
            if same:
                target = real  # replace the file the link points to, in its own folder
            else:
                append = True  # not reachable by name (deleted?): write through the link
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(
            said("output_is_folder"),
            path=path,
            hint=said("output_is_folder_hint", example=path / "kunde.csv"),
        )
    if stat.S_ISREG(st.st_mode) and not append:
        return _Plan(path, target, existed=True)
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode) or append:
        return _Plan(path, path, through=True, append=append, existed=True)
    raise OutputError(
        said("output_is_disk_device" if stat.S_ISBLK(st.st_mode) else "output_is_socket"),
        path=path,
        hint=said("output_not_a_file_hint"),
    )


def _file_above(path: Path) -> Path | None:
    """The nearest existing folder of ``path`` when it is not a folder (but a file)."""
    for folder in path.parents:
        if folder.exists():
            return None if folder.is_dir() else folder
    return None


def _is_fd_link(path: Path) -> bool:
    """Whether following ``path`` passes through ``/proc/…/fd`` (``/dev/stdout``)."""
    here = Path(os.path.normpath(Path.cwd() / path))
    for _ in range(40):
        if str(here).startswith(_FD_PREFIXES):
            return True
        if not here.is_symlink():
            return False
        here = Path(os.path.normpath(here.parent / here.readlink()))
    return False


def _write_temp(plan: _Plan, data: bytes, unchanged: Text | None) -> Path:
    """``data`` in a complete, synced temporary file beside ``plan.target`` (hidden,
    ``.<name>.<random>.tmp``; :func:`kunde_cli.store.atomic.write_temp`)."""
    from kunde_cli.store import atomic

    folder = plan.target.parent
    with _output_errors(plan, unchanged):
        blocker = _file_above(plan.target)
        if blocker is not None:
            raise OutputError(said("output_file_above", blocker=blocker), path=plan.named)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{plan.target.name}.{secrets.token_hex(4)}.tmp"
        atomic.write_temp(tmp, lambda fh: fh.write(data))
    return tmp


def _write_through(plan: _Plan, data: bytes) -> None:
    """Open ``plan.target`` (a device, FIFO or the shell's stdout) and write ``data``."""
    flags = os.O_WRONLY | os.O_NOCTTY | (os.O_APPEND if plan.append else 0)
    with _output_errors(plan):
        fd = os.open(plan.target, flags)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()


#: Decimals kept in files per display kind (see ``render.terminal.column_kind``):
#: money to the cent; shares 0–1 and rates on 0–100 ("points", the retention rate) to 4.
DECIMALS = {"money": 2, "money0": 2, "percent": 4, "points": 4}
#: Other measures (average days, orders per customer, expected purchases, NPS).
MEASURE_DECIMALS = 4
#: Float noise is far below this many decimals; rounding here first makes a value
#: that was added up in another order (``x.xx5`` ± 1e-12) round the same way.
_DENOISE_DECIMALS = 9


def rounded(frame: pl.DataFrame, kinds: Mapping[str, str] | None = None) -> pl.DataFrame:
    """``frame`` with its float columns rounded for a file, by each column's kind.

    The kind comes from ``kinds`` or else from the column's name (``column_kind``):
    money to 2 decimals (the cent), shares to 4 (``DECIMALS``), other measures to
    ``MEASURE_DECIMALS`` — except values below 0.001, which keep 4 significant digits
    (a model parameter of 1.2e-5 is not 0). Halves round away from zero, as on a
    receipt; ``-0.0`` becomes ``0.0``. Idempotent.

    >>> import polars as pl
    >>> rounded(pl.DataFrame({"revenue": [41565.600000000006], "share_customers": [0.09794871794871794]})).row(0)
    (41565.6, 0.0979)
    """
    import polars as pl

    from kunde_cli.render.terminal import column_kind

    kinds = kinds or {}
    exprs = []
    for name, dtype in frame.schema.items():
        if not dtype.is_float():
            continue
        col = pl.col(name).round(_DENOISE_DECIMALS)
        kind = kinds.get(name) or column_kind(name, dtype)
        if kind in DECIMALS:
            out = col.round(DECIMALS[kind], mode="half_away_from_zero")
        else:
            out = (
                pl.when(col.abs() < 1e-3)
                .then(pl.col(name).round_sig_figs(4))
                .otherwise(col.round(MEASURE_DECIMALS, mode="half_away_from_zero"))
            )
        # -0.0 (a refund of less than half a cent) is written as 0.0.
        exprs.append(pl.when(out == 0).then(0.0).otherwise(out).cast(dtype).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def rounded_value(value: float, kind: str) -> float:
    """One number rounded as :func:`rounded` rounds a column of ``kind``."""
    import polars as pl

    shown: float = rounded(pl.DataFrame({"v": [float(value)]}), {"v": kind}).item()
    return shown


def rounded_json(value: Any, key: str = "") -> Any:
    """A JSON-ready structure (dicts, lists, numbers) with each float rounded as
    :func:`rounded` rounds a column named like its key (``revenue`` to the cent …).

    >>> rounded_json({"aov": 258.8727272727273, "scores": [{"upper": 0.1 + 0.2}]})
    {'aov': 258.87, 'scores': [{'upper': 0.3}]}
    """
    import polars as pl

    from kunde_cli.render.terminal import column_kind

    if isinstance(value, dict):
        return {k: rounded_json(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded_json(v, key) for v in value]
    if isinstance(value, float):
        return rounded_value(value, column_kind(key, pl.Float64))
    return value


#: ``--csv-style``: ``plain`` for scripts (comma, decimal point, snake_case headers and
#: codes) or ``da`` for a person opening the file in Danish Excel (see :func:`frame_to_csv`).
CSV_PLAIN = "plain"
CSV_EXCEL = "da"
DANISH, ENGLISH = LANGS

#: Columns whose values are codes, each with the prefix of its values' labels in
#: :mod:`kunde_cli.words.labels` (tier ``lost`` → ``tier_lost`` → "Tabt"). A CSV for
#: Excel shows them in words, as a terminal table does. Columns holding data (a channel,
#: a city, a product) are not codes and are never looked up.
CODE_COLUMNS: dict[str, str] = {
    "segment": "",
    "from_segment": "",
    "to_segment": "",
    "rung": "",
    "from_rung": "",
    "to_rung": "",
    "movement": "move_",
    "tier": "tier_",
    "nps_category": "",
    "term_kind": "",
    "as_of_rule": "as_of_rule_",
}


def for_people(frame: pl.DataFrame, lang: str = DEFAULT_LANG) -> pl.DataFrame:
    """``frame`` as a person reads it in ``lang``: codes (:data:`CODE_COLUMNS`) as their
    labels, true/false as ja/nej (yes/no), and each header as its column's label (two
    columns that would read the same get ``(2)``, as in a workbook). Numbers and other
    text are left as they are.

    >>> import polars as pl
    >>> for_people(pl.DataFrame({"segment": ["at_risk"], "customers": [3]}), "da").row(0, named=True)
    {'Segment': 'I fare', 'Kunder': 3}
    """
    import polars as pl

    from kunde_cli.render.excel import column_headers
    from kunde_cli.words.labels import label, label_values

    worded = label_values(frame, CODE_COLUMNS, lang)
    yes, no = label("output_yes", lang), label("output_no", lang)
    worded = worded.with_columns(
        pl.when(pl.col(name)).then(pl.lit(yes)).when(~pl.col(name)).then(pl.lit(no)).alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )
    return worded.rename(dict(zip(frame.columns, column_headers(frame.columns, lang), strict=True)))


def frame_to_csv(
    frame: pl.DataFrame, *, style: str = CSV_PLAIN, bom: bool = False, lang: str = DEFAULT_LANG
) -> bytes:
    """CSV bytes: ``plain`` (comma, decimal point, snake_case headers and codes, for
    scripts) or ``da`` (semicolon, decimal comma, dd-mm-yyyy dates, and headers and codes
    in words in ``lang`` (:func:`for_people`), for a person opening it in Excel)."""
    from kunde_cli.render.safety import neutralise_formulas

    excel = style == CSV_EXCEL
    safe = neutralise_formulas(for_people(frame, lang) if excel else frame)
    buf = io.BytesIO()
    safe.write_csv(
        buf,
        separator=";" if excel else ",",
        decimal_comma=excel,
        include_bom=bom,
        datetime_format="%Y-%m-%d %H:%M:%S",
        # Danish Excel reads a Danish day (dd-mm-yyyy); scripts read ISO (English).
        date_format=date_pattern(DANISH if excel else ENGLISH),
    )
    return buf.getvalue()


def frame_to_json(frame: pl.DataFrame) -> bytes:
    """A JSON array of row objects, dates as ISO strings."""
    buf = io.BytesIO()
    frame.write_json(buf)
    data = buf.getvalue()
    return data if data.endswith(b"\n") else data + b"\n"


def frame_to_parquet(frame: pl.DataFrame) -> bytes:
    """Parquet bytes."""
    buf = io.BytesIO()
    frame.write_parquet(buf)
    return buf.getvalue()


def frame_to_xlsx(
    frame: pl.DataFrame,
    *,
    sheet: str = "kunde",
    lang: str = DEFAULT_LANG,
    kinds: dict[str, str] | None = None,
    as_of: date | None = None,
) -> bytes:
    """A one-sheet workbook with an Excel table, frozen header and fitted widths.

    The workbook's created date is ``as_of`` (see ``excel.new_workbook``), never the clock.
    """
    from kunde_cli.render.excel import SheetSpec, workbook_bytes

    return workbook_bytes(
        [SheetSpec(sheet, frame, kinds=dict(kinds or {}))], lang=lang, as_of=as_of
    )


def emit(
    frame: pl.DataFrame,
    fmt: OutputFormat | str | None = None,
    output: Path | None = None,
    *,
    title: str | None = None,
    caption: str | None = None,
    lang: str = DEFAULT_LANG,
    currency: str = "kr.",
    kinds: dict[str, str] | None = None,
    csv_style: str = CSV_PLAIN,
    bom: bool = False,
    as_of: date | None = None,
    priority: Priority | None = None,
    wide: bool = False,
) -> OutputFormat:
    """Write ``frame`` as ``fmt`` to ``output`` (atomically) or stdout. Returns the format used.

    A table is :func:`kunde_cli.render.terminal.show_frame`'s (it fits the screen by
    ``priority``; ``wide`` shows every column).

    Files hold :func:`rounded` numbers; an xlsx workbook is dated ``as_of`` (the
    analysis date), so the same data gives the same bytes.
    """
    chosen = resolve_format(fmt, output)
    if chosen is OutputFormat.table:
        from kunde_cli.render.terminal import show_frame

        show_frame(
            frame,
            title=title,
            caption=caption,
            lang=lang,
            currency=currency,
            kinds=kinds,
            priority=priority,
            wide=wide,
            output=output,
        )
        return chosen
    if chosen is not OutputFormat.xlsx:  # the workbook writer rounds its own sheets
        frame = rounded(frame, kinds)
    if chosen is OutputFormat.csv:
        data = frame_to_csv(frame, style=csv_style, bom=bom, lang=lang)
    elif chosen is OutputFormat.json:
        data = frame_to_json(frame)
    elif chosen is OutputFormat.parquet:
        if output is None and sys.stdout.isatty():
            raise ConfigError(said("output_parquet_binary"))
        data = frame_to_parquet(frame)
    else:
        if output is None and sys.stdout.isatty():
            raise ConfigError(said("output_xlsx_binary"))
        data = frame_to_xlsx(frame, lang=lang, kinds=kinds, as_of=as_of)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write_bytes(output, data)
    return chosen
