"""The top-level command: every command listed, loadable, with help and an example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli import __version__
from kunde_cli.cli.main import COMMANDS, app, load_command

runner = CliRunner()
CLI_DIR = Path(__file__).resolve().parents[2] / "kunde_cli" / "cli"
NOT_COMMANDS = {"__init__", "__main__", "main", "options", "common"}


def test_every_command_module_is_listed():
    modules = {p.stem for p in CLI_DIR.glob("*.py")} - NOT_COMMANDS
    assert modules == set(COMMANDS)


def test_help_lists_every_command_with_its_description():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    flat = " ".join(result.stdout.split())
    for name, description in COMMANDS.items():
        assert f"{name} {description}" in flat


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_has_help_with_an_example(name):
    assert load_command(name).name == name
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout and f"kunde {name}" in result.stdout


def test_version_and_unknown_command():
    assert runner.invoke(app, ["--version"]).stdout.strip() == f"kunde {__version__}"
    result = runner.invoke(app, ["segmnet"])
    assert result.exit_code == 2
    assert "No such command 'segmnet'" in result.output


def test_help_does_not_import_polars():
    # `kunde --help` must start fast: the heavy libraries load inside the commands.
    code = (
        "import sys\n"
        "from kunde_cli.cli.main import run\n"
        "sys.argv = ['kunde', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('polars', 'scipy', 'jinja2', 'xlsxwriter', 'altair') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
