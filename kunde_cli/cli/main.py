"""The ``kunde`` command: joins one small Typer app per command group.

This is the one place where a KundeError becomes a one-line message and an exit code.
Heavy libraries (Polars, SciPy, Jinja2, xlsxwriter) are imported inside the commands
that need them, so ``kunde --help`` starts fast.
"""

from __future__ import annotations

import importlib
import os
import signal
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from kunde_cli import __version__
from kunde_cli.errors import KundeError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def report_error(err: KundeError) -> None:
    """Print a KundeError as one line (plus its hint) on stderr."""
    from kunde_cli.render.terminal import err_console

    err_console.print(f"Error: {err.one_line()}", markup=False, highlight=False, soft_wrap=True)
    if err.hint:
        err_console.print(f"Hint: {err.hint}", markup=False, highlight=False, soft_wrap=True)


class KundeGroup(TyperGroup):
    """The top-level group: turns a KundeError into a message and its exit code."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KundeError as err:
            if os.environ.get("KUNDE_DEBUG"):
                raise
            report_error(err)
            raise typer.Exit(err.exit_code) from None


app = typer.Typer(
    name="kunde",
    cls=KundeGroup,
    help=(
        "Customer analytics for small shops: segments, loyalty ladder, churn, NPS, "
        "retention and customer value from your own order and survey exports.\n\n"
        "Start with:  kunde ingest ordrer.csv   then   kunde segment"
    ),
    context_settings=CONTEXT_SETTINGS,
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
)

#: Command modules under kunde_cli/cli/, each exposing ``app = typer.Typer()``.
COMMAND_MODULES = (
    "ingest",
    "inspect",
    "demo",
    "segment",
    "ladder",
    "explain",
    "nps",
    "retention",
    "churn",
    "clv",
    "profiles",
    "export",
    "report",
    "forget",
)

for _name in COMMAND_MODULES:
    app.add_typer(importlib.import_module(f"kunde_cli.cli.{_name}").app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kunde {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """Customer analytics for small shops."""


def run() -> None:
    """Console-script entry point."""
    # A closed pipe (`kunde segment | head`) should end quietly, as csvkit does:
    # restore the default SIGPIPE handler so the process just stops instead of
    # raising EPIPE and exiting 1, which DESIGN.md keeps for bugs.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app()
