"""The layer rules hold: imports only point down, and no command imports another.

Every module under ``kunde_cli/`` is parsed with :mod:`ast` (nothing is imported), and
every ``import`` in it — at module level, inside functions, under ``TYPE_CHECKING``,
and ``importlib.import_module`` with a fixed name — is checked against the layer
picture below. An import that points up, or a command module in ``cli/`` importing
another command module, fails the test unless it is on an allow-list below; and an
allow-list entry that is no longer needed fails the test too, so a violation that is
mended takes its entry with it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kunde_cli"

# The layer picture, copied from DESIGN.md ("## Layers (imports only point down)"), the
# design contract kept beside the repo, with one change (issue 16): words/ is the lowest
# floor, below errors and config, because an error's message and a bad setting's are
# said as keyed sentences (words.said) that errors words in the run's language. The floors are read from it top to bottom: a
# module may import its own floor and any floor below, never one above.
LAYER_PICTURE = """
kunde_cli/cli/        Typer app, one module per command. Thin: shared options arrive as
                      two frozen objects (where data comes from, where output goes);
                      call app/, hand results to render/. No command imports another.
kunde_cli/render/     terminal (Rich), tabular (csv/json/parquet to stdout or file),
                      html (Jinja2 + charts), excel. Turns facts into sentences.
kunde_cli/app/        use cases a person can call from Python: load, ingest_files,
                      build_report, backtest. Returns results and notes; prints nothing.
kunde_cli/analytics/  pure functions on Polars frames: rfm, ladder, retention, churn,
                      clv (BG/NBD, MBG/NBD, Gamma-Gamma), nps, profiles. Take an
                      explicit order basis (orders, purchase days, customers at one
                      as-of date, computed once). No I/O, no printing, no global state.
kunde_cli/ingest/     readers (encoding/delimiter/decimal/date sniffing, CSV, Excel,
                      gzip, stdin), column mapping (synonyms, presets), status classes,
                      validation into the canonical schemas, rejects.
kunde_cli/store/      the workspace: lines, orders and customers tables (Parquet) +
                      a typed manifest, lock, one atomic writer, erase.
kunde_cli/identity.py matching customers across sources (id → e-mail → phone).
kunde_cli/schema.py   canonical column names and dtypes, in one place.
kunde_cli/config.py   kunde.toml (mappings, statuses, thresholds, language, currency).
kunde_cli/errors.py   KundeError hierarchy; each carries a user message and exit code.
kunde_cli/words/      every label, sentence and number/date format, da and en.
"""

# The ground floor: schema, config and errors sit side by side (DESIGN.md's reading
# order, "schema/config/errors"), so they may import each other.
GROUND_FLOOR = ("kunde_cli.schema", "kunde_cli.config", "kunde_cli.errors")

# Modules the picture does not name, each put on the floor of the layer named here.
OFF_PICTURE = {
    # `python -m kunde_cli`: starts the Typer app.
    "kunde_cli.__main__": "kunde_cli.cli",
    # The package itself: the public API, re-exporting use cases and what they return.
    "kunde_cli": "kunde_cli.app",
    # The report builder's old home, re-exporting app/report.py under its old name.
    "kunde_cli.report": "kunde_cli.app",
    # The demo shop generator that `kunde demo` calls; a use case.
    "kunde_cli.synth": "kunde_cli.app",
}

# cli/ modules that are shared plumbing, not commands: any command may import them.
CLI_PLUMBING = frozenset(
    {"kunde_cli.cli", "kunde_cli.cli.common", "kunde_cli.cli.options", "kunde_cli.cli.usage"}
)
CLI_PLUMBING_ENTRY = "kunde_cli.cli.main"  # registers the commands, imports none statically

# Imports that point up today, each exactly (importing module, imported module): none.
# Every entry must still be needed: mend the import, then remove its line here.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}

# Command modules importing another command module today (importer, imported): none.
ALLOWED_COMMAND_IMPORTS: dict[tuple[str, str], str] = {}


def picture_floors(picture: str) -> list[tuple[str, ...]]:
    """The layers of the picture, top floor first, each as the module names on it.

    >>> picture_floors('''
    ... kunde_cli/cli/        commands
    ...                       (more words)
    ... kunde_cli/identity.py matching
    ... kunde_cli/schema.py   names
    ... kunde_cli/errors.py   errors
    ... kunde_cli/words/      words
    ... ''')
    [('kunde_cli.cli',), ('kunde_cli.identity',), ('kunde_cli.schema', 'kunde_cli.errors'), ('kunde_cli.words',)]
    """
    names = []
    for line in picture.splitlines():
        if line.startswith("kunde_cli/"):
            path = line.split()[0].rstrip("/").removesuffix(".py")
            names.append(path.replace("/", "."))
    # The ground floor's modules share one floor, where the first of them is drawn.
    ground = tuple(name for name in names if name in GROUND_FLOOR)
    floors: list[tuple[str, ...]] = []
    for name in names:
        if name not in GROUND_FLOOR:
            floors.append((name,))
        elif name == ground[0]:
            floors.append(ground)
    return floors


FLOORS = picture_floors(LAYER_PICTURE)


def layer_of(module: str) -> str:
    """The layer a module belongs to, named by the layer's package or module.

    >>> layer_of("kunde_cli.analytics.clv.predict"), layer_of("kunde_cli.report")
    ('kunde_cli.analytics', 'kunde_cli.app')
    """
    if module in OFF_PICTURE:
        return OFF_PICTURE[module]
    for floor in FLOORS:
        for layer in floor:
            if module == layer or module.startswith(layer + "."):
                return layer
    raise LookupError(f"{module} is on no floor of the layer picture")


def floor_of(module: str) -> int:
    """How far down a module's layer is: 0 is the top floor (cli)."""
    layer = layer_of(module)
    return next(i for i, floor in enumerate(FLOORS) if layer in floor)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def existing(name: str) -> str:
    """The module an import name reaches: the longest prefix that is a module here
    (``kunde_cli.store.Workspace`` is the module ``kunde_cli.store``)."""
    parts = name.split(".")
    while ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts)


def uses_only_dunders(tree: ast.Module, name: str) -> bool:
    """Whether every attribute read off ``name`` in the module is a dunder
    (``kunde_cli.__file__``), i.e. the package's metadata, not its API."""
    return all(
        node.attr.startswith("__")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
    )


def imports_of(module: str, source: str, is_package: bool = False) -> set[tuple[str, int]]:
    """(imported kunde_cli module, line) for every import in the module's source, at any
    depth.

    Metadata taken from the package itself (``from kunde_cli import __version__``, or
    ``import kunde_cli`` used only for ``kunde_cli.__file__``) is no import of a layer.
    """
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "kunde_cli":
                    continue
                if alias.name == "kunde_cli" and uses_only_dunders(
                    tree, alias.asname or "kunde_cli"
                ):
                    continue
                found.add((existing(alias.name), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import (ruff bans them, but read them right)
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.split(".")[0] != "kunde_cli":
                continue
            for alias in node.names:
                if base == "kunde_cli" and alias.name.startswith("__"):
                    continue
                found.add((existing(f"{base}.{alias.name}"), node.lineno))
        elif isinstance(node, ast.Call) and _names_import_module(node.func) and node.args:
            arg = node.args[0]  # importlib.import_module("kunde_cli.…") with a fixed name
            if (
                isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and arg.value.split(".")[0] == "kunde_cli"
            ):
                found.add((existing(arg.value), node.lineno))
    return found


def _names_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module"
    )


def all_imports() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) → where, for every import between two kunde_cli modules."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        for imported, line in sorted(imports_of(module, source, path.name == "__init__.py")):
            if imported != module:
                rel = path.relative_to(PACKAGE.parent)
                edges.setdefault((module, imported), []).append(f"{rel}:{line}")
    return edges


def is_command(module: str) -> bool:
    return (
        layer_of(module) == "kunde_cli.cli"
        and module.startswith("kunde_cli.cli.")
        and module not in CLI_PLUMBING
        and module != CLI_PLUMBING_ENTRY
    )


def test_the_picture_is_read_as_designed() -> None:
    assert FLOORS == [
        ("kunde_cli.cli",),
        ("kunde_cli.render",),
        ("kunde_cli.app",),
        ("kunde_cli.analytics",),
        ("kunde_cli.ingest",),
        ("kunde_cli.store",),
        ("kunde_cli.identity",),
        ("kunde_cli.schema", "kunde_cli.config", "kunde_cli.errors"),
        ("kunde_cli.words",),
    ]
    assert floor_of("kunde_cli.render.html") < floor_of("kunde_cli.analytics.rfm")
    assert floor_of("kunde_cli.config") == floor_of("kunde_cli.errors")
    assert floor_of("kunde_cli.store.workspace") < floor_of("kunde_cli.identity")


def test_the_import_reader_finds_every_kind_of_import() -> None:
    source = (
        "import kunde_cli.store.workspace as ws\n"
        "from kunde_cli import schema as s, __version__\n"
        "from kunde_cli.analytics.rfm import segment\n"
        "def f():\n"
        "    from .churn import x\n"
        "    import kunde_cli\n"
        "    return kunde_cli.report\n"
        "g = importlib.import_module('kunde_cli.render.html')\n"
        "h = importlib.import_module(f'kunde_cli.cli.{name}')\n"
    )
    parsed = imports_of("kunde_cli.analytics.probe", source)
    assert parsed == {
        ("kunde_cli.store.workspace", 1),
        ("kunde_cli.schema", 2),
        ("kunde_cli.analytics.rfm", 3),
        ("kunde_cli.analytics.churn", 5),
        ("kunde_cli", 6),  # reads kunde_cli.report, not only a dunder
        ("kunde_cli.render.html", 8),  # a fixed name; a computed one cannot be read
    }


def test_every_module_is_on_a_floor() -> None:
    assert "kunde_cli.cli.main" in MODULES  # the walk found the package
    for module in MODULES:
        floor_of(module)  # raises for a module the picture does not place


def test_imports_only_point_down() -> None:
    upward = {
        edge: where
        for edge, where in all_imports().items()
        if floor_of(edge[1]) < floor_of(edge[0])
    }
    new = {edge: where for edge, where in upward.items() if edge not in ALLOWED_UPWARD}
    assert not new, "imports pointing up (DESIGN.md, Layers):\n" + "\n".join(
        f"  {a} -> {b}  ({', '.join(where)})" for (a, b), where in sorted(new.items())
    )
    mended = sorted(set(ALLOWED_UPWARD) - set(upward))
    assert not mended, f"no longer needed, remove from ALLOWED_UPWARD: {mended}"


def test_no_command_imports_another() -> None:
    between = {
        edge: where
        for edge, where in all_imports().items()
        if is_command(edge[0]) and is_command(edge[1])
    }
    new = {edge: where for edge, where in between.items() if edge not in ALLOWED_COMMAND_IMPORTS}
    assert not new, "command modules importing another command module:\n" + "\n".join(
        f"  {a} -> {b}  ({', '.join(where)})" for (a, b), where in sorted(new.items())
    )
    mended = sorted(set(ALLOWED_COMMAND_IMPORTS) - set(between))
    assert not mended, f"no longer needed, remove from ALLOWED_COMMAND_IMPORTS: {mended}"


def test_plumbing_imports_no_command() -> None:
    """cli/common.py and cli/options.py serve the commands; they import none of them
    (main.py finds the commands by name at run time)."""
    bad = {
        edge: where
        for edge, where in all_imports().items()
        if edge[0] in CLI_PLUMBING | {CLI_PLUMBING_ENTRY} and is_command(edge[1])
    }
    assert not bad, bad


@pytest.mark.parametrize(
    ("importer", "imported", "points_up"),
    [
        ("kunde_cli.store.answers", "kunde_cli.ingest.survey", True),
        ("kunde_cli.analytics.rfm", "kunde_cli.render.numbers", True),
        ("kunde_cli.words.labels", "kunde_cli.config", True),
        ("kunde_cli.config", "kunde_cli.words", False),
        ("kunde_cli.render.html", "kunde_cli.analytics.rfm", False),
        ("kunde_cli.render.html", "kunde_cli.app", False),
        ("kunde_cli.app.load", "kunde_cli.render", True),
        ("kunde_cli.analytics.clv.predict", "kunde_cli", True),
    ],
)
def test_what_points_up(importer: str, imported: str, points_up: bool) -> None:
    assert (floor_of(imported) < floor_of(importer)) is points_up
