"""What every analysis command does first: load orders (and survey answers), pick the
as-of date, language and config. The use case is :mod:`kunde_cli.app.loading`; this is
the command line's glue: it says the use case's notes on stderr as they come, records
the files a command writes in the workspace, and says what the numbers count."""

from __future__ import annotations

from datetime import date, datetime
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
from kunde_cli.config import Config

if TYPE_CHECKING:
    import polars as pl

    from kunde_cli.analytics.orders import Overview
    from kunde_cli.app.notes import Note, Notes

__all__ = [
    "CURRENCY_LABELS",
    "Loaded",
    "currency_code",
    "file_overview",
    "load",
    "open_workspace",
    "parse_mapping",
    "resolve_lang",
    "said_on_stderr",
    "say",
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


def _command_context() -> Any:
    """The running command's click context, or None (Typer carries its own click)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # Typer before it vendored click
        try:
            from click import get_current_context
        except ImportError:
            return None
    return get_current_context(silent=True)


def load(
    files: list[Path] | None,
    workspace: Path,
    *,
    as_of: datetime | date | None = None,
    lang: str | None = None,
    config_path: Path | None = None,
    sheet: str | None = None,
    preset: str | None = None,
    mapping: list[str] | None = None,
    dayfirst: bool | None = None,
    columns: str | None = None,
    currency: str | None = None,
    need_orders: bool = True,
    quiet: bool = False,
    allow_future: bool = False,
    read_once: bool = False,
) -> Loaded:
    """:func:`kunde_cli.app.loading.load`, its notes said on stderr as they come, the
    files the command writes recorded in the workspace, and (unless ``quiet``) one
    line on what the numbers count and leave out."""
    from kunde_cli.app.loading import load as load_data

    loaded = load_data(
        files,
        workspace,
        as_of=as_of,
        lang=lang,
        config_path=config_path,
        sheet=sheet,
        preset=preset,
        mapping=mapping,
        dayfirst=dayfirst,
        columns=columns,
        currency=currency,
        need_orders=need_orders,
        quiet=quiet,
        allow_future=allow_future,
        read_once=read_once,
        notes=said_on_stderr(),
    )
    if loaded.workspace is not None:
        _record_outputs(workspace)
    if loaded.counted is not None:
        from kunde_cli.render.counting import counted_sentence
        from kunde_cli.render.terminal import note

        note(counted_sentence(loaded.counted, loaded.lang, loaded.config.currency))
    if loaded.no_amounts:
        from kunde_cli.render.terminal import warn

        warn(
            "dataene har ingen beløb (kun kunde og dato): køb, dage siden køb, stigen og "
            "churn virker; omsætning, ordreværdi og CLV er 0, fordi der ikke er noget at regne på"
            if loaded.lang == "da"
            else "the data has no amounts (customer and date only): purchases, recency, "
            "the ladder and churn work; revenue, order value and CLV are 0, as there is "
            "nothing to compute them from"
        )
    return loaded
