"""What a new user reads first (issue 17, point 8): every command's --help reads at 80
columns, shell completion is offered once (by ``kunde`` itself), and every file of the
repository that README.md, a --help or the code names is in the repository.

At 80 columns a help text must be wrapped by the terminal's width, not by the source's:
no line ends early when the next word would have fitted (a line break kept from a
docstring), no word is split over two lines or cut with "…" (every sentence of the
docstring and of each option's help is found whole in the output, read word by word),
and each ``Example:`` command stands on one line, as written, to be copied.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import COMMANDS, app, load_command

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
runner = CliRunner()

#: A file or folder path in running text: ``sample_data/ordrer.csv``, ``bench/RESULTS.md``,
#: ``tests/analytics/``, ``LICENSE.md``. Not a piece of a longer path (``~/.config/kunde``)
#: or of an address (``https://…/x.md``).
PATH = re.compile(
    r"(?<![\w/~.$:-])"
    r"((?:[\w.-]+/)+(?:[\w.-]+\.\w+)?|[\w.-]+\.(?:md|py|toml|txt|csv|json|j2|css|png|cfg|yml))"
    r"(?![\w/])"
)


def flat(text: str) -> str:
    """Text as words separated by single spaces: line breaks and alignment left out."""
    return " ".join(text.split())


def help_at(width: int, *argv: str) -> str:
    result = runner.invoke(app, [*argv, "--help"], env={"COLUMNS": str(width), "LINES": "50"})
    assert result.exit_code == 0, result.output
    return result.stdout


def repo_paths(text: str) -> list[str]:
    """The paths in ``text`` that name a place in the repository: those starting in one of
    its top-level folders, and document names (``*.md``) on their own. A path starting
    elsewhere (``kunde-data/rejects.csv``, ``rapport/…``, ``ordrer.csv``) is the user's.

    >>> repo_paths("Run bench/run.py, see DESIGN.md; writes kunde-data/rejects.csv, ordrer.csv")
    ['bench/run.py', 'DESIGN.md']
    """
    top = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")}
    found = []
    for path in PATH.findall(text):
        path = path.rstrip(".")
        first = path.split("/", 1)[0]
        if ("/" in path and first in top) or ("/" not in path and path.endswith(".md")):
            found.append(path)
    return found


def missing(paths: list[str]) -> list[str]:
    return sorted({p for p in paths if not (ROOT / p).exists()})


def test_a_file_the_repository_lacks_is_found() -> None:
    # The check can fail: the design document the README once named is not in the repo.
    assert missing(repo_paths("the rules (DESIGN.md) and bench/RESULTS.md")) == ["DESIGN.md"]


# --- files named ---------------------------------------------------------------------------


def test_every_repository_file_the_readme_names_is_there() -> None:
    paths = repo_paths(README.read_text(encoding="utf-8"))
    assert len(set(paths)) >= 5, paths  # sample data, tests, bench results, …
    assert missing(paths) == []


def test_every_repository_file_a_help_names_is_there() -> None:
    text = help_at(200) + "".join(help_at(200, name) for name in COMMANDS)
    assert missing(repo_paths(text)) == []


def test_the_code_names_no_document_the_repository_lacks() -> None:
    # Docstrings and comments say where a definition lives; a document named there must
    # be one a reader of the repository can open.
    named = {
        (source.relative_to(ROOT).as_posix(), doc)
        for source in (ROOT / "kunde_cli").rglob("*.py")
        for doc in re.findall(r"[\w./-]*\w\.md\b", source.read_text(encoding="utf-8"))
    }
    # ... and the design document by its bare name ("the grid in DESIGN") too.
    named |= {
        (source.relative_to(ROOT).as_posix(), "DESIGN.md")
        for source in [README, *(ROOT / "kunde_cli").rglob("*.py")]
        if re.search(r"\bDESIGN\b", source.read_text(encoding="utf-8"))
    }
    assert sorted(n for n in named if not (ROOT / n[1]).exists()) == []


# --- completion ----------------------------------------------------------------------------


def test_shell_completion_is_offered_by_kunde_only() -> None:
    assert "--install-completion" in help_at(120)
    for name in COMMANDS:
        options = {o for p in load_command(name).params for o in p.opts}
        assert not {"--install-completion", "--show-completion"} & options, name
        assert "completion" not in help_at(120, name), name


# --- help at 80 columns ----------------------------------------------------------------------


def examples(doc: str) -> list[str]:
    """The commands a docstring gives after ``Example:``, each as one line.

    >>> examples("Does x.\\n\\nExample: kunde x --a\\n    --b\\n\\nExample: kunde y")
    ['kunde x --a --b', 'kunde y']
    """
    return [flat(m) for m in re.findall(r"Example:\s*(.+?)(?=\n\s*\n|\Z)", doc, re.S)]


def early_breaks(lines: list[str]) -> list[str]:
    """Lines of a paragraph that end although the next line's first word would have fitted
    after them (within the widest line the help has): a line break from the source.

    >>> early_breaks(["  one two three four", "  five", "  six seven"])
    ['  five|six']
    """
    width = max(map(len, lines))
    return [
        f"{line}|{after.split()[0]}"
        for line, after in itertools.pairwise(lines)
        if line.strip() and after.strip() and len(line) + 1 + len(after.split()[0]) <= width
    ]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_reads_at_80_columns(name: str) -> None:
    out = help_at(80, name)
    lines = out.splitlines()
    assert max(map(len, lines)) <= 80
    command = load_command(name)
    doc = command.callback.__doc__ or ""

    # The description: from below the usage line to the first section (Arguments/Options).
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Usage:")) + 1
    end = next(
        i
        for i, line in enumerate(lines)
        if i > start and (line.startswith("╭") or (line.endswith(":") and not line[0].isspace()))
    )
    paragraphs: list[list[str]] = [[]]
    for line in lines[start:end]:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    prose = [p for p in paragraphs if p and p[0].strip() != "Example:"]
    shown = [p[1].strip() for p in paragraphs if p and p[0].strip() == "Example:"]
    for paragraph in prose:
        assert early_breaks(paragraph) == [], f"kunde {name} --help breaks a line early"

    # No word split or cut: every sentence of the docstring and of each option's help
    # is there whole.
    text = flat(out)
    for sentence in re.split(r"Example:.*?(?=\n\s*\n|\Z)", doc, flags=re.S):
        assert flat(sentence) in text, f"kunde {name} --help lost: {flat(sentence)[:60]}…"
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text:
            assert flat(help_text) in text, f"kunde {name} --help cut: {help_text[:60]}…"

    # Each example is one line of its own, as the docstring gives it.
    assert examples(doc), f"kunde {name} has no example"
    assert shown == examples(doc)
    assert all(cmd.startswith(f"kunde {name}") and len(cmd) <= 76 for cmd in shown)
