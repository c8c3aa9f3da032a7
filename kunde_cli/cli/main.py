"""The ``kunde`` command: joins one small Typer app per command group.

This is the one place where a KundeError becomes a one-line message and an exit code.
Heavy libraries (Polars, SciPy, Jinja2, xlsxwriter) are imported inside the commands
that need them, so ``kunde --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    # The click Typer carries (typer.Context is its subclass; the group's methods take
    # the base class, as click calls them).
    from typer._click.core import Context as ClickContext

from kunde_cli import __version__
from kunde_cli.errors import KundeError, disk_error

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def run_lang(ctx: ClickContext | None = None, err: KundeError | None = None) -> str:
    """The language of this run as far as it is known: what the command noted
    (``--lang``, else ``$KUNDE_LANG``, else kunde.toml), else ``$KUNDE_LANG``, else the
    language a kunde.toml with a mistake (``err``) chose, else da."""
    from kunde_cli.cli.options import LANG_META
    from kunde_cli.words.lang import DEFAULT_LANG, LANG_ENV, LANGS

    noted = ctx.meta.get(LANG_META) if ctx is not None else None
    chosen = noted or os.environ.get(LANG_ENV, "").strip().lower()
    chosen = chosen or getattr(err, "file_lang", None) or ""
    return chosen if chosen in LANGS else DEFAULT_LANG


def report_error(err: KundeError, lang: str = "en") -> None:
    """Print a KundeError as one line (plus its hint) on stderr, in ``lang``."""
    from kunde_cli.render.terminal import err_console
    from kunde_cli.words.labels import label

    line = f"{label('error_prefix', lang)}: {err.one_line(lang)}"
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    hint = err.hint_in(lang)
    if hint:
        line = f"{label('hint_prefix', lang)}: {hint}"
        err_console.print(line, markup=False, highlight=False, soft_wrap=True)


#: Every command, in the order `kunde --help` lists them, with its one-line description.
#: Each lives in kunde_cli/cli/<name>.py as ``app = typer.Typer(add_completion=False)``
#: (shell completion is the top-level command's) with one command and is imported only
#: when it runs, so `kunde --help` and `kunde --version` start fast.
COMMANDS: dict[str, str] = {
    "ingest": "Read order and survey exports into the workspace, never counting a line twice.",
    "inspect": "Show what kunde detects in an export, without writing anything.",
    "segment": "RFM segments: who are your champions, who is at risk, and what to do.",
    "ladder": "The loyalty ladder: potential → first-time → returning → loyal → ambassador.",
    "churn": "Who is drifting away, by activity tier, and who to win back.",
    "nps": "Net Promoter Score with its 95 % interval, trend, breakdowns and call-back lists.",
    "retention": "Retention rate per month, quarter or year, cohorts and repurchase rate.",
    "clv": "Customer value: revenue, AOV, purchases per year, simple and predicted CLV.",
    "backtest": "Check the purchase models on your own history: a verdict you can use.",
    "profiles": "Customer profiles and persona cards per segment or ladder rung.",
    "explain": "Why one customer got their segment, rung and activity tier.",
    "export": "A mailing list for an action (segment, rung, tier, NPS group), consent respected.",
    "report": "Write the full HTML report and Excel workbook, and print their paths.",
    "status": "List the files ingested into the workspace, with their rows, dates and customers.",
    "remove": "Take one ingested file's lines out of the workspace again.",
    "forget": "Erase one customer's personal data from the workspace (GDPR).",
    "demo": "Write the sample Danish shop export and NPS survey.",
}


def load_command(name: str) -> Any:
    """Import ``kunde_cli.cli.<name>`` and turn its Typer app into the click command."""
    module = importlib.import_module(f"kunde_cli.cli.{name}")
    command = typer.main.get_command(module.app)
    command.name = name
    # Plain help, as `kunde --help` has: at 80 columns Rich's option panel leaves the help
    # text a fifth of the width and cuts long words with "…"; click's wraps them whole.
    if isinstance(command, TyperCommand):
        command.rich_markup_mode = None
    command.help = flowing(command.help)
    return command


def wrap_whole_words() -> None:
    """Help text wraps at spaces only: click's text wrapper also breaks after a hyphen,
    which split ``kunde-data/rejects.csv`` and ``at-risk,cant-lose`` over two lines."""
    package = TyperCommand.context_class.formatter_class.__module__.rpartition(".")[0]
    with contextlib.suppress(ImportError, AttributeError):
        wrapper = importlib.import_module(f"{package}._textwrap").TextWrapper
        wrapper.wordsep_re = wrapper.wordsep_simple_re  # what break_on_hyphens=False uses


wrap_whole_words()


def flowing(doc: str | None) -> str | None:
    """A command's docstring as its --help shows it: each paragraph one line, for the
    help formatter to wrap at the terminal's width (a line break kept from the source
    broke sentences mid-way at 80 columns), and each ``Example:`` a paragraph of its own
    with the command on the next line, kept as written (click's ``\\b`` mark), so no
    width splits the command.

    >>> flowing("Counts orders.\\n\\nOne line\\nper row. Example: kunde x --y 1").split("\\n\\n")
    ['Counts orders.', 'One line per row.', '\\x08\\nExample:\\n  kunde x --y 1']
    """
    if not doc:
        return doc
    paragraphs: list[str] = []
    for paragraph in doc.strip().split("\n\n"):
        if paragraph.startswith("\b"):  # click's mark for a paragraph kept as written
            paragraphs.append(paragraph)
            continue
        prose, *examples = " ".join(paragraph.split()).split("Example:")
        if prose.strip():
            paragraphs.append(prose.strip())
        paragraphs.extend(f"\b\nExample:\n  {example.strip()}" for example in examples)
    return "\n\n".join(paragraphs)


class KundeGroup(TyperGroup):
    """The top-level group: lazy commands, and KundeError → message + exit code."""

    _listing = False

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: ClickContext, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            # Listing commands in --help needs only names and descriptions.
            return TyperCommand(cmd_name, short_help=COMMANDS[cmd_name])
        return load_command(cmd_name)

    def format_help(self, ctx: ClickContext, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: ClickContext) -> Any:
        # The command line as given: click empties it while it parses.
        given_args = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        try:
            return super().invoke(ctx)
        except KundeError as err:
            if os.environ.get("KUNDE_DEBUG"):
                raise
            report_error(err, run_lang(ctx, err))
            raise typer.Exit(err.exit_code) from None
        except Exception as err:
            if _is_usage_error(err) and not os.environ.get("KUNDE_DEBUG"):
                # A command line click could not parse: said as kunde's errors are.
                from kunde_cli.cli.usage import lang_in, usage_error
                from kunde_cli.words.lang import LANGS

                given = lang_in(given_args)
                lang = given if given in LANGS else run_lang(ctx)
                sub = getattr(err, "ctx", None)
                command = getattr(sub, "command_path", None) if sub is not ctx else None
                refusal = usage_error(err, command)
                report_error(refusal, lang)
                raise typer.Exit(refusal.exit_code) from None
            # A full disk or `ulimit -f` met where no writer turned it into a message
            # (Polars raises ComputeError, not OSError): still one line and exit 2.
            failure = disk_error(err)
            if failure is None or os.environ.get("KUNDE_DEBUG"):
                raise
            report_error(failure, run_lang(ctx))
            raise typer.Exit(failure.exit_code) from None


def _is_usage_error(err: BaseException) -> bool:
    """Whether ``err`` is click's refusal of a command line (a UsageError, not the
    request for help that a command without arguments makes)."""
    names = {cls.__name__ for cls in type(err).__mro__}
    return "UsageError" in names and "NoArgsIsHelpError" not in names


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
    # Plain help: Rich's help formatter imports Markdown support and doubles start-up.
    rich_markup_mode=None,
)


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
    # raising EPIPE and exiting 1, which kunde keeps for bugs (README: exit codes).
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # Over `ulimit -f` the kernel sends SIGXFSZ, which would kill the process with no
    # word; ignored (as CPython does by default), the write fails with EFBIG and kunde
    # says so in one line, leaving the previous output whole.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    app()
