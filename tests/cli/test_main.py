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
NOT_COMMANDS = {"__init__", "__main__", "main", "options", "common", "usage"}


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


def test_real_entry_point_piped_gives_csv_and_a_closed_pipe_ends_quietly(tmp_path):
    orders = tmp_path / "ordrer.csv"
    rows = "\n".join(f"{i};0{1 + i % 9}-03-2024;K{i % 40};{100 + i},00" for i in range(400))
    orders.write_text("Ordre;Dato;Kunde;Beløb\n" + rows + "\n", encoding="utf-8")
    # stdout is a pipe, not a terminal: CSV without --format.
    piped = subprocess.run(
        [sys.executable, "-m", "kunde_cli", "segment", str(orders), "--by", "customer"],
        capture_output=True,
        text=True,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.splitlines()[0].startswith("customer_id,recency_days,frequency")
    # `kunde … | head -1`: the reader goes away early; no traceback, no exit 1.
    shell = f'"{sys.executable}" -m kunde_cli segment "{orders}" --by customer | head -1'
    closed = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True)
    assert closed.stdout.startswith("customer_id,")
    assert "Traceback" not in closed.stderr and "BrokenPipe" not in closed.stderr
    assert closed.returncode in (0, 141)  # 141 = ended by SIGPIPE, as `cat | head` is
