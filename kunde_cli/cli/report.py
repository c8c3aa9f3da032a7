"""`kunde report`: every analysis in one HTML report and one Excel workbook."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kunde_cli.cli import options
from kunde_cli.cli.options import Source

if TYPE_CHECKING:
    from collections.abc import Iterator

    from kunde_cli.cli.common import Loaded

app = typer.Typer(add_completion=False)

#: File names: kunde-rapport-YYYY-MM-DD.html / .xlsx, dated by the as-of date, so a
#: re-run on the same data replaces the same files and never piles up copies.
FILE_STEM = "kunde-rapport-{as_of}"

#: The steps the spinner names; each is said as ``report_step_<name>`` (words/output.py).
_STEPS = (
    "load",
    "segments",
    "value",
    "churn",
    "ladder",
    "retention",
    "nps",
    "profiles",
    "customers",
    "answers",
    "html",
    "xlsx",
)


def report_paths(output_dir: Path, as_of: datetime | Any) -> tuple[Path, Path]:
    """The HTML and workbook paths for ``as_of`` in ``output_dir``."""
    stem = FILE_STEM.format(as_of=as_of.isoformat())
    return output_dir / f"{stem}.html", output_dir / f"{stem}.xlsx"


class _Progress:
    """A spinner with the current step on stderr, only when stderr is a terminal."""

    def __init__(self, lang: str, enabled: bool) -> None:
        self.lang = lang
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        from kunde_cli.render.terminal import err_console

        if self.enabled and err_console.is_terminal:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("kunde report", total=None)
        return self

    def step(self, name: str) -> None:
        if self._bar is not None:
            from kunde_cli.words.labels import label

            shown = label(f"report_step_{name}", self.lang) if name in _STEPS else name
            self._bar.update(self._task, description=shown)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


# --- the command's own options ----------------------------------------------------------

OutputDir = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="Folder for kunde-rapport-YYYY-MM-DD.html and .xlsx (created when missing).",
    ),
]
#: The folder's old spelling (-d/--output-dir), kept working for scripts, out of --help.
OldOutputDir = Annotated[
    Path | None,
    typer.Option("--output-dir", "-d", hidden=True, show_default=False),
]
Compare = Annotated[
    datetime | None,
    typer.Option(
        "--compare",
        help="Show movement on the loyalty ladder since this date (default: 90 days "
        "before the as-of date).",
        formats=["%Y-%m-%d", "%d-%m-%Y"],
        show_default=False,
    ),
]
Anonymise = Annotated[
    bool,
    typer.Option(
        "--anonymise",
        "--anonymize",
        help="Replace names, e-mails and phone numbers with stable pseudonyms "
        "(Kunde 7f3a2c…) and leave survey comments out: a report to share.",
    ),
]
Model = Annotated[
    bool,
    typer.Option(
        "--model/--no-model",
        help="Fit the customer-value models (BG/NBD + Gamma-Gamma) for predicted CLV.",
    ),
]


@app.command("report")
@options.reads_data
def report_command(
    data: Source,
    output_dir: OutputDir = Path(),
    compare: Compare = None,
    anonymise: Anonymise = False,
    model: Model = True,
    salt: options.Salt = None,
    output_dir_old: OldOutputDir = None,
) -> None:
    """Write the full report: one HTML file and one Excel workbook, and print their paths.

    The HTML report opens offline in any browser (no scripts, fonts or links outside the file), prints on A4 and reads on a phone: key figures, segments, the loyalty ladder and its movement since --compare, retention cohorts, activity tiers with the top reactivation candidates, NPS trend and comments, customer value and persona cards, each with one sentence on what it means and what to do. The workbook has a summary sheet and one sheet per analysis. Files are written atomically as kunde-rapport-YYYY-MM-DD.html/.xlsx (the as-of date) in --output; stdout gets only their paths, so it fits cron.

    Example: kunde report --output rapporter --compare 2024-01-01
    """
    from kunde_cli.cli import common
    from kunde_cli.render.i18n import label

    quiet = data.quiet
    if output_dir_old is not None:
        if output_dir != Path() and output_dir != output_dir_old:
            # Both spellings of the folder, naming two folders: neither wins silently.
            from kunde_cli.errors import ConfigError
            from kunde_cli.words.said import said

            raise ConfigError(
                said("report_two_folders", first=str(output_dir), second=str(output_dir_old))
            )
        output_dir = output_dir_old

    check_output_dir(output_dir)
    before = None if data.files or anonymise else _workspace_state(data.workspace)
    loaded = common.load_source(data, quiet=quiet, read_once=True)
    key = resolve_salt_if(anonymise, salt)
    html_path, xlsx_path = report_paths(output_dir, loaded.as_of)
    fits = common.workspace_fits(loaded) if model else None
    record = _record_of(loaded, before, (html_path, xlsx_path), _given(data, compare, model))
    if record is not None and (same := record.unchanged()) is not None:
        # Same data, options and kunde, and the files are the very ones written then.
        if not quiet:
            _say([*same, label("report_unchanged", loaded.lang)])
    else:
        html, workbook, lines = _write_report(
            loaded, data, (html_path, xlsx_path), compare, key, model, fits, quiet
        )
        if record is not None:
            record.record((html, workbook), lines)
        if not quiet:
            _say(lines)
            common.say_reused(fits, loaded.lang)
    sys.stdout.write(f"{html_path}\n{xlsx_path}\n")
    sys.stdout.flush()


def _given(data: Source, compare: datetime | None, model: bool) -> list[Any]:
    """The options a report was asked with, as the record of the last report keeps them
    (a report asked otherwise is made again)."""
    return [
        data.as_of,
        data.date_from,
        data.date_to,
        compare,
        model,
        *data.reading.values(),
        data.currency,
    ]


def _write_report(
    loaded: Loaded,
    data: Source,
    paths: tuple[Path, Path],
    compare: datetime | None,
    key: str | None,
    model: bool,
    fits: Any,
    quiet: bool,
) -> tuple[bytes, bytes, list[str]]:
    """Build the report, write the HTML file and the workbook (both or neither), and
    return their bytes and the lines to say on stderr."""
    from kunde_cli.analytics.nps import nps_as_of
    from kunde_cli.app.report import build_report
    from kunde_cli.render.formats import write_outputs
    from kunde_cli.render.html import report_html_bytes
    from kunde_cli.render.workbook import report_workbook
    from kunde_cli.words.said import said

    html_path, xlsx_path = paths
    with _Progress(loaded.lang, enabled=not quiet) as progress:
        report = build_report(
            loaded.orders,
            as_of=loaded.as_of,
            survey=loaded.survey,
            compare=compare.date() if compare is not None else None,
            config=loaded.config,
            lang=loaded.lang,
            anonymise_salt=key,
            fit_model=model,
            on_step=progress.step,
            # Answers given after the last order still count (the one NPS rule).
            nps_date=nps_as_of(loaded.as_of, loaded.survey, given=data.as_of),
            fits=fits,
            # The follow-up section counts the statuses the workspace keeps.
            answer_inputs={"workspace": data.workspace} if loaded.workspace is not None else None,
        )
        progress.step("html")
        html = report_html_bytes(report)
        progress.step("xlsx")
        workbook, sheets = report_workbook(report)
        # Both files are complete on disk before either replaces a previous one: a
        # full disk leaves the previous report and workbook as they were.
        write_outputs(
            [(html_path, html), (xlsx_path, workbook)],
            unchanged=said("report_previous_unchanged")
            if html_path.exists() or xlsx_path.exists()
            else said("report_nothing_written"),
        )
    return html, workbook, list(_notes(report, sheets))


def _workspace_state(workspace: Path) -> str | None:
    from kunde_cli.store.report_cache import workspace_state

    return workspace_state(workspace)


def _record_of(
    loaded: Any, before: str | None, paths: tuple[Path, Path], options: list[Any]
) -> Any:
    """The record of the last report written to ``paths`` from this workspace
    (kunde_cli.store.report_cache), or None: files read directly have no workspace to
    keep one in, and an anonymised report's key would involve the secret salt (so
    ``before``, the workspace's state before reading, is None for both)."""
    if loaded.workspace is None or before is None:
        return None
    from kunde_cli.store.report_cache import ReportCache

    resolved = {"as_of": loaded.as_of, "lang": loaded.lang, "config": repr(loaded.config)}
    return ReportCache(loaded.workspace.path, paths, {**resolved, "given": options}, state=before)


def _say(lines: list[str]) -> None:
    from kunde_cli.render.terminal import note

    for line in lines:
        note(line)


def check_output_dir(output_dir: Path) -> None:
    """Refuse an --output folder that is a file (or lies under one) before any work is done."""
    from kunde_cli.errors import OutputError
    from kunde_cli.words.said import said

    for folder in (output_dir, *output_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(
                    said("report_dir_is_file")
                    if folder == output_dir
                    else said("output_file_above", blocker=folder),
                    path=output_dir,
                    hint=said("report_dir_hint"),
                )
            return


def resolve_salt_if(anonymise: bool, salt: str | None) -> str | None:
    """The pseudonym salt when the report is anonymised, else None."""
    if not anonymise:
        return None
    from kunde_cli.store.salt import resolve_salt

    return resolve_salt(salt)


def _notes(data: Any, sheets: list[Any]) -> Iterator[str]:
    """A few plain lines on stderr: what the report covers and what it could not do."""
    from kunde_cli.app.report import CLV_FAILED, CLV_UNTRUSTED
    from kunde_cli.render.fits import clv_reasons
    from kunde_cli.words.labels import nps_as_of_note, say
    from kunde_cli.words.numbers import format_date, format_number
    from kunde_cli.words.report import text

    lg = data.lang
    when = format_date(data.as_of, lg)
    yield say("report_covers", lg, customers=format_number(data.key.customers, lg), when=when)
    if data.nps is None:
        yield say("report_no_survey", lg)
    else:
        yield nps_as_of_note(data.nps.nps_date, lg)
    if data.clv.status in (CLV_FAILED, CLV_UNTRUSTED):
        yield say("report_clv_not_used", lg, reasons=clv_reasons(data.clv, lg))
    for sheet in sheets:
        if sheet.cut:
            yield text("cut_summary", lg, sheet=sheet.name)
