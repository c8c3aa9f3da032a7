"""The shared-option decorators: a subset (``uses=``), a command's own --help order
(``help_order``), and the three commands that list their options in an order of their
own (ingest, inspect, forget) keep it."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner

from kunde_cli.cli import options as opt
from kunde_cli.cli.main import load_command

#: The options Typer adds to every command.
COMPLETION = ("install_completion", "show_completion")


def _listed(command: Any) -> list[str | None]:
    return [p.name for p in command.params if p.name not in COMPLETION]


def _app(seen: list[opt.Source]) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    @opt.help_order("name", "workspace", "loud", "lang")
    @opt.reads_data(uses=("workspace", "lang"))
    def greet(
        data: opt.Source,
        name: Annotated[str, typer.Argument()],
        loud: Annotated[bool, typer.Option("--loud")] = False,
    ) -> None:
        seen.append(data)
        typer.echo(name.upper() if loud else name)

    return app


def test_a_subset_packs_what_was_given_and_leaves_the_rest_at_the_defaults() -> None:
    seen: list[opt.Source] = []
    result = CliRunner().invoke(_app(seen), ["ole", "-w", "/tmp/ws", "--lang", "en", "--loud"])
    assert result.exit_code == 0, result.output
    assert result.output == "OLE\n"
    assert seen == [opt.Source(workspace=Path("/tmp/ws"), lang="en")]


def test_an_option_left_out_of_the_subset_is_not_accepted() -> None:
    result = CliRunner().invoke(_app([]), ["ole", "--as-of", "2024-01-01"])
    assert result.exit_code == 2


def test_help_order_puts_shared_options_between_the_commands_own() -> None:
    command = typer.main.get_command(_app([]))
    assert _listed(command) == ["name", "workspace", "loud", "lang"]


def test_help_order_must_name_every_parameter_once() -> None:
    def command(data: opt.Source, name: str) -> None: ...

    with pytest.raises(TypeError, match="help_order"):
        opt.help_order("name")(opt.reads_data(uses=("lang",))(command))
    with pytest.raises(TypeError, match="help_order"):
        opt.help_order("name", "lang", "lang")(opt.reads_data(uses=("lang",))(command))


def test_uses_must_name_shared_options() -> None:
    def command(data: opt.Source) -> None: ...

    with pytest.raises(TypeError, match="no shared option nope"):
        opt.reads_data(uses=("workspace", "nope"))(command)
    with pytest.raises(TypeError, match="no shared option fmt"):  # formats=False: no --format
        opt.writes_output(formats=False, uses=("fmt", "bom"))


def test_a_plain_decorated_command_still_lists_shared_options_after_its_own() -> None:
    @opt.reads_data
    def command(data: opt.Source, by: str = "x") -> None: ...

    names = list(inspect.signature(command).parameters)
    assert names[0] == "by"
    assert names[1:4] == ["files", "workspace", "as_of"]


@pytest.mark.parametrize(
    ("name", "order"),
    [
        (
            "ingest",
            ["files", "workspace", "kind", "sheet", "preset", "mapping", "dayfirst",
             "allow_future", "columns", "strict", "source", "wait", "fmt", "output",
             "quiet", "lang", "config_path"],
        ),
        (
            "inspect",
            ["files", "sheet", "preset", "mapping", "dayfirst", "allow_future", "columns",
             "kind", "customers", "rows", "fmt", "quiet", "lang", "config_path"],
        ),
        ("forget", ["who", "customer", "workspace", "yes", "wait", "quiet", "lang", "config_path"]),
    ],
)  # fmt: skip
def test_commands_with_an_order_of_their_own_keep_it(name: str, order: list[str]) -> None:
    assert _listed(load_command(name)) == order
