"""The README's examples are what kunde prints today.

The Quick start's kunde commands are run on the bundled sample shop (``sample_data/``),
in a folder of their own, and then every example block of README.md: a fenced block
whose lines start with ``$ kunde …`` followed by the output shown. Each command runs
through Typer's CliRunner as in a terminal 200 columns wide (tables, not CSV), and the
output shown in the README must be found in the real output (stdout and stderr, as a
terminal shows them):

- compared word by word, so line breaks, column alignment and the length of a table's
  rule (``───``) do not matter, but every figure, label and column header does;
- a line holding only ``…`` leaves out part of the output; the shown parts must come in
  the order the command prints them. Output before the first and after the last shown
  line may be left out without a ``…``.

A block that only illustrates (a file not shipped in the repo, say) carries the HTML
comment ``<!-- readme-test: illustrative -->`` on the line before its fence.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ILLUSTRATIVE = "<!-- readme-test: illustrative -->"
ELISION = "…"

# Commands whose output in a terminal is a table and in a pipe is CSV. The runner is no
# terminal, so they are asked for the table a reader of the README would see.
TABLE_BY_TTY = {"ingest", "segment", "ladder", "churn", "nps", "retention", "clv", "profiles"}
OUTPUT_OPTIONS = {"--format", "-f", "--output", "-o"}

# A terminal as wide as the widest README table; no setting from the environment.
ENV = {
    "COLUMNS": "200",
    "LINES": "50",
    "KUNDE_LANG": None,
    "KUNDE_WORKSPACE": None,
    "KUNDE_SALT": None,
    "KUNDE_DEBUG": None,
    "NO_COLOR": "1",
}

runner = CliRunner()


@dataclass
class Command:
    argv: list[str]
    shown: list[str] = field(default_factory=list)  # the output lines the README shows
    line: int = 0  # README line of the `$ kunde …` line


@dataclass
class Block:
    line: int  # README line of the opening fence
    illustrative: bool
    commands: list[Command]


def blocks(text: str) -> list[Block]:
    """The README's example blocks: fenced, no language or ``console``, with commands.

    >>> [(b.line, b.illustrative, [c.argv for c in b.commands], b.commands[0].shown)
    ...  for b in blocks("x\\n<!-- readme-test: illustrative -->\\n```\\n$ kunde nps\\nNPS 20\\n```\\n")]
    [(3, True, [['nps']], ['NPS 20'])]
    """
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        if not fence.startswith("```"):
            i += 1
            continue
        start = i
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip().startswith("```"))
        i = end + 1
        if fence.removeprefix("```").strip() not in ("", "console"):
            continue
        before = next((line.strip() for line in reversed(lines[:start]) if line.strip()), "")
        commands: list[Command] = []
        for n in range(start + 1, end):
            body = lines[n]
            if body.startswith("$ "):
                argv = shlex.split(body[2:])
                assert argv[0] == "kunde", f"README.md:{n + 1}: not a kunde command: {body}"
                commands.append(Command(argv[1:], line=n + 1))
            elif commands:
                commands[-1].shown.append(body)
        if commands:
            found.append(Block(start + 1, before == ILLUSTRATIVE, commands))
    return found


def words(text: str) -> list[str]:
    """The words of a text, a table's rule (``───…``) as one word whatever its length.

    >>> words("  Trin   Kunder\\n ─────────── \\n  Loyale   232")
    ['Trin', 'Kunder', '─', 'Loyale', '232']
    """
    return re.sub(r"─+", "─", text).split()


def parts(shown: list[str]) -> list[list[str]]:
    """The shown output cut at each ``…`` line, as words; empty parts dropped."""
    cut: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == ELISION:
            cut.append([])
        else:
            cut[-1].extend(words(line))
    return [p for p in cut if p]


def find(part: list[str], output: list[str], start: int) -> int:
    """Where ``part`` starts in ``output`` at or after ``start`` (words), or -1.

    >>> find(["b", "c"], ["a", "b", "c", "b", "c"], 2)
    3
    """
    n = len(part)
    return next((i for i in range(start, len(output) - n + 1) if output[i : i + n] == part), -1)


def run(argv: list[str]) -> str:
    """Run one kunde command in the current folder, as in a terminal; its output."""
    if argv[0] in TABLE_BY_TTY and not OUTPUT_OPTIONS & set(argv):
        argv = [*argv, "--format", "table"]
    result = runner.invoke(app, argv, env=ENV)
    assert result.exit_code == 0, f"kunde {shlex.join(argv)}:\n{result.output}"
    return result.output


def quick_start_commands(text: str) -> list[list[str]]:
    """The kunde commands of the Quick start's install-and-run line."""
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    line = next(line for line in quick.splitlines() if "kunde ingest" in line)
    return [shlex.split(step)[1:] for step in line.split("&&") if step.strip().startswith("kunde ")]


README_TEXT = README.read_text(encoding="utf-8")
BLOCKS = blocks(README_TEXT)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the sample shop, where the Quick start has been run."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "sample_data", folder / "sample_data")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        for argv in quick_start_commands(README_TEXT):
            run(argv)
    return folder


def test_the_readme_has_examples_to_check() -> None:
    assert quick_start_commands(README_TEXT)[0][:1] == ["ingest"]
    checked = [b for b in BLOCKS if not b.illustrative]
    assert len(checked) >= 5
    assert all(c.shown for b in checked for c in b.commands)


def test_what_a_drifted_example_looks_like() -> None:
    output = words("Segment  Kunder\n ───── \n  Topkunder   191    9,8 %\n  Loyale  192  9,8 %\n")
    assert find(words("Topkunder 191 9,8 %"), output, 0) == 3
    assert find(words("Topkunder 190 9,8 %"), output, 0) == -1  # a figure changed
    assert find(words("Segment Kunder Loyale"), output, 0) == -1  # a row left out, no …
    assert parts(["a", "  …", "b c"]) == [["a"], ["b", "c"]]


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if not b.illustrative], ids=lambda b: f"README.md:{b.line}"
)
def test_example_output_is_real(block: Block, shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shop)
    for command in block.commands:
        output = run(command.argv)
        real = words(output)
        at = 0
        for part in parts(command.shown):
            found = find(part, real, at)
            assert found >= 0, (
                f"README.md:{command.line}: `kunde {shlex.join(command.argv)}` no longer "
                f"prints\n  {' '.join(part)}\nit prints:\n{output}"
            )
            at = found + len(part)
