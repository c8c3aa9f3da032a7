"""What every analysis command does first: load orders (and survey answers), pick the
as-of date, language and config. The use case is :mod:`kunde_cli.app.loading`; this is
the command line's glue: it says the use case's notes on stderr as they come, records
the files a command writes in the workspace, and says what the numbers count."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kunde_cli.app.loading import (
    CURRENCY_LABELS,
    Loaded,
    currency_code,
    open_workspace,
    parse_mapping,
    resolve_lang,
)
from kunde_cli.cli.options import command_context as _command_context
from kunde_cli.cli.options import record_lang
from kunde_cli.config import Config, load_config
from kunde_cli.words.lang import DEFAULT_LANG
from kunde_cli.words.numbers import format_date

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.orders import Basis, Overview
    from kunde_cli.app.notes import Note, Notes
    from kunde_cli.cli.options import Destination, Source
    from kunde_cli.render.priority import Priority
    from kunde_cli.store.cache import FitCache

__all__ = [
    "CURRENCY_LABELS",
    "Loaded",
    "churn_tier_frame",
    "currency_code",
    "emit",
    "file_overview",
    "load_source",
    "open_workspace",
    "parse_mapping",
    "resolve_lang",
    "said_on_stderr",
    "say",
    "say_reused",
    "workspace_fits",
]


def say(item: Note) -> None:
    """One note of a use case on stderr: a warning as a warning, else a note."""
    from kunde_cli.render.terminal import note, warn

    (warn if item.warning else note)(item.text)


def said_on_stderr() -> Notes:
    """Notes that are said on stderr the moment a use case adds them."""
    from kunde_cli.app.notes import Notes

    return Notes(say)


def file_overview(
    result: Any, config: Config, identity: pl.DataFrame | None = None
) -> tuple[Overview | None, str]:
    """:func:`kunde_cli.app.loading.file_overview`, its notes said on stderr."""
    from kunde_cli.app.loading import file_overview as overview

    return overview(result, config, identity, notes=said_on_stderr())


def _record_outputs(workspace: Path) -> None:
    """Note every file the running command writes (``-o``, ``--calls``, a report) in
    the workspace's record of what it wrote, which ``kunde forget`` reads back
    (:mod:`kunde_cli.store.written`), under the command's name, until the command
    ends. stdout and files written from exports read directly are not recorded."""
    from kunde_cli.render.formats import on_files_written
    from kunde_cli.store.written import record

    ctx = _command_context()
    if ctx is None:  # not run as a command: nothing to record
        return
    command = ctx.info_name or "kunde"

    def hook(paths: list[Path]) -> None:
        if _command_context() is ctx:
            record(workspace, command, paths)

    ctx.call_on_close(on_files_written(hook))


def load_source(
    data: Source,
    *,
    need_orders: bool = True,
    quiet: bool = False,
    read_once: bool = False,
) -> Loaded:
    """:func:`kunde_cli.app.loading.load` from where the data comes from
    (``--workspace``, FILES and how to read them, ``--as-of``, ``--from``, ``--to``,
    ``--lang``, ``--config``), its notes said on stderr as they come, the files the
    command writes recorded in the workspace, and (unless ``quiet`` or ``--quiet``) one
    line on what the numbers count and leave out."""
    from kunde_cli.app.loading import load as load_data

    # The language is known before any file is read: an error reading one says it in it.
    record_lang(resolve_lang(data.lang, load_config(data.config_path)))
    loaded = load_data(
        None if data.files is None else list(data.files),
        data.workspace,
        as_of=data.as_of,
        lang=data.lang,
        config_path=data.config_path,
        **data.reading,
        currency=data.currency,
        need_orders=need_orders,
        quiet=quiet or data.quiet,
        read_once=read_once,
        notes=said_on_stderr(),
        date_from=data.date_from,
        date_to=data.date_to,
    )
    if loaded.workspace is not None:
        _record_outputs(data.workspace)
    if loaded.counted is not None:
        from kunde_cli.render.counting import counted_sentence
        from kunde_cli.render.terminal import note

        note(counted_sentence(loaded.counted, loaded.lang, loaded.config.currency))
    if loaded.no_amounts:
        from kunde_cli.render.terminal import warn
        from kunde_cli.words.labels import label

        warn(label("common_no_amounts", loaded.lang))
    return loaded


def emit(
    frame: pl.DataFrame,
    out: Destination,
    loaded: Loaded | None = None,
    *,
    title: str | None = None,
    kinds: dict[str, str] | None = None,
    model: dict[str, object] | None = None,
    lang: str | None = None,
    currency: str | None = None,
    priority: Priority | None = None,
) -> None:
    """Write ``frame`` where ``out`` says (:func:`kunde_cli.render.formats.emit`), in
    the language, currency and as-of date of ``loaded`` (``lang``/``currency`` say them
    when nothing was loaded).

    A table fits the terminal (:func:`kunde_cli.render.terminal.show_frame`): columns
    wrap, and when some must be left out ``priority`` (the command's declaration) says
    which go first and one line on stderr names them; ``--wide`` shows them all.

    With ``model`` (fitted models and their trust checks), JSON is one object
    ``{"model": …, "rows": […]}``, the rows exactly as plain JSON would write them;
    every other format is as usual and carries the model in the notes."""
    from kunde_cli.render import formats

    lang = lang or (loaded.lang if loaded is not None else DEFAULT_LANG)
    if currency is None:
        currency = loaded.config.currency if loaded is not None else "kr."
    as_of = loaded.as_of if loaded is not None else None
    if model is not None and out.format is formats.OutputFormat.json:
        _emit_with_model(frame, model, out.output, kinds)
        return
    formats.emit(
        frame,
        out.fmt,
        out.output,
        title=title,
        lang=lang,
        currency=currency,
        kinds=kinds,
        csv_style=out.csv_style,
        bom=out.bom,
        as_of=as_of,
        priority=priority,
        wide=out.wide,
    )


def _emit_with_model(
    frame: pl.DataFrame,
    model: dict[str, object],
    output: Path | None,
    kinds: dict[str, str] | None,
) -> None:
    import json
    import sys

    from kunde_cli.render.formats import atomic_write_bytes, frame_to_json, rounded

    # The rows exactly as ``emit`` writes JSON (rounded the same way), made in memory.
    rows = json.loads(frame_to_json(rounded(frame, kinds)))
    data = (json.dumps({"model": model, "rows": rows}, ensure_ascii=False) + "\n").encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write_bytes(output, data)


def day_text(day: date, lang: str) -> str:
    """A date as the command's notes and titles say it: 31-03-2024 in Danish, else ISO
    (:func:`kunde_cli.words.numbers.format_date`)."""
    return format_date(day, lang)


def churn_tier_frame(orders: Basis, day: date, config: Config) -> pl.LazyFrame:
    """Churn tiers (customer_id, tier) at ``day``: the ladder's "not inactive" rule."""
    from kunde_cli.analytics.churn import churn_tiers

    return churn_tiers(orders, as_of=day, config=config.churn).select("customer_id", "tier")


def workspace_fits(loaded: Loaded) -> FitCache | None:
    """The workspace's fit cache (:mod:`kunde_cli.store.cache`), or None for files read
    directly: those have no folder of the user's own to keep fits in."""
    ws = getattr(loaded, "workspace", None)
    if ws is None:
        return None
    from kunde_cli.store.cache import FitCache

    return FitCache(ws.path)


def say_reused(fits: FitCache | None, lang: str) -> None:
    """One note on stderr when fits came from the cache (all or some of those looked
    up); with ``KUNDE_DEBUG`` also why an entry was not used or not kept."""
    import os

    from kunde_cli.render.i18n import label
    from kunde_cli.render.terminal import note

    if fits is None:
        return
    if os.environ.get("KUNDE_DEBUG"):
        for problem in fits.problems:
            note(f"fit cache: {problem}")
    if fits.hits:
        whole = set(fits.hits) == set(fits.asked)
        note(label("fit_reused" if whole else "fit_reused_partly", lang))
