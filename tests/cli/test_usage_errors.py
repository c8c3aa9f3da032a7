"""A command line click cannot parse is refused as kunde refuses anything: one line
(``Fejl:``/``Error:``), a hint naming the help to read, exit code 2 — in the language the
command line asks for (``--lang``, wherever it stands), else ``$KUNDE_LANG``, else Danish.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app
from kunde_cli.cli.usage import reason_said

runner = CliRunner()

CASES = {
    # name: (command line, Danish line, English line)
    "unknown option": (
        ["segment", "--bogus"],
        "Fejl: ukendt tilvalg: --bogus",
        "Error: no such option: --bogus",
    ),
    "not a choice": (
        ["segment", "--format", "xyz"],
        "Fejl: ugyldig værdi for '--format' / '-f': 'xyz' er ikke en af 'table', 'csv'",
        "Error: invalid value for '--format' / '-f': 'xyz' is not one of 'table', 'csv'",
    ),
    "below its least": (
        ["clv", "--horizon", "0"],
        "Fejl: ugyldig værdi for '--horizon': skal være mindst 1",
        "Error: invalid value for '--horizon': must be at least 1",
    ),
    "not a whole number": (
        ["clv", "--horizon", "abc"],
        "Fejl: ugyldig værdi for '--horizon': skal være et helt tal",
        "Error: invalid value for '--horizon': must be a whole number",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_refused_command_line_is_one_line_in_the_runs_language(name: str) -> None:
    args, danish, english = CASES[name]
    command = " ".join(["kunde", args[0]])
    for extra, env, line, hint in (
        ([], {"KUNDE_LANG": None}, danish, f"Tip: se '{command} -h'"),
        (["--lang", "en"], {"KUNDE_LANG": None}, english, f"Hint: see '{command} -h'"),
        ([], {"KUNDE_LANG": "en"}, english, f"Hint: see '{command} -h'"),
    ):
        done = runner.invoke(app, [*args, *extra], env=env)
        assert done.exit_code == 2, done.output
        first, second = done.stderr.splitlines()[:2]
        assert first.startswith(line), done.stderr
        assert second == hint
        assert "Usage:" not in done.output and "Traceback" not in done.output


def test_lang_before_the_refused_option_counts_too() -> None:
    done = runner.invoke(app, ["segment", "--lang=en", "--bogus"], env={"KUNDE_LANG": None})
    assert done.stderr.startswith("Error: no such option: --bogus")


def test_a_missing_argument_is_named() -> None:
    done = runner.invoke(app, ["explain"], env={"KUNDE_LANG": None})
    assert done.exit_code == 2
    assert done.stderr.splitlines()[0] == "Fejl: 'customer' mangler"


def test_a_reason_of_an_unknown_shape_is_shown_as_click_wrote_it() -> None:
    assert reason_said("Value error, something new happened") == "something new happened"
    assert reason_said("Input should be less than or equal to 5").worded("da") == (
        "må højst være 5"
    )


def test_help_still_shows_help() -> None:
    done = runner.invoke(app, ["segment", "--help"])
    assert done.exit_code == 0 and "Usage:" in done.output
