"""Same answers as before issue 15 (its "Done when": every analysis gives the same answers
as before on the sample shop and the test corpora).

Issue 15 changed where analyses get their data: an explicit order basis, orders and
customers tables stored in the workspace and read instead of regrouping the order lines.
The answers must not change. tests/data/golden/ holds what the code BEFORE issue 15
(commit b062fcd, see its README.md) printed on stdout for every analysis command, on the
sample shop and on three exports of other shop systems (WooCommerce guests and refunds,
Shopify refunds in USD, Danish invoices with credit notes), at the data's last date and,
where the data has one, at a date between an order and its refund or credit note.

Each golden is checked twice against the current code:

- through a workspace: the same files ingested into a fresh workspace, the same command
  run on it (the stored orders/customers tables are read);
- on the files directly (``kunde segment FILE ...``, no workspace, no stored tables),
  where the old code's direct output was the same bytes as its workspace output (every
  golden here; ``index.json`` records it per command).

The comparison is of the whole stdout, byte for byte. stderr (notes, counts) is not
compared. The goldens are never regenerated from the current tree: make_golden.py runs
the reference commit's code.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
REPO = Path(__file__).resolve().parents[2]
INDEX = json.loads((GOLDEN / "index.json").read_text(encoding="utf-8"))

runner = CliRunner()


def _cases(direct: bool) -> list:
    cases = []
    for name, entry in INDEX["inputs"].items():
        for key, case in entry["commands"].items():
            if direct and not case["direct"]:
                continue
            cases.append(pytest.param(name, key, id=f"{name}/{key}"))
    return cases


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    # No kunde.toml from the current folder, no workspace from the environment, and a
    # fixed pseudonym salt (as make_golden.py sets them for the old code).
    monkeypatch.chdir(tmp_path)
    return {
        "KUNDE_WORKSPACE": None,
        "KUNDE_SALT": "same-answers-same-answers",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """input name -> its workspace, ingested by the current code on first use."""
    return {}


def _files(name: str) -> list[str]:
    return [str(REPO / f) for f in INDEX["inputs"][name]["files"]]


def _workspace(name: str, workspaces: dict[str, Path], tmp_path_factory, env) -> Path:
    if name not in workspaces:
        ws = tmp_path_factory.mktemp(f"same-answers-{name}") / "ws"
        args = ["ingest", *_files(name), *INDEX["inputs"][name]["args"], "-w", str(ws)]
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        workspaces[name] = ws
    return workspaces[name]


#: Answers changed on purpose since the reference commit, applied to its goldens before
#: comparing (the goldens stay what that commit printed): (which goldens, what changed,
#: why). Every other byte must be the same.
_TIERS_DA = {"active": "aktiv", "cooling": "kølnet", "inactive": "inaktiv", "lost": "tabt"}
DELIBERATE: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str], str]] = [
    (
        "explain_*.json",
        re.compile(r'("activity_rule": ".*→ )(active|cooling|inactive|lost)(")'),
        lambda m: m.group(1) + _TIERS_DA[m.group(2)] + m.group(3),
        "issue 16 point 2: Danish explain names the activity tier in Danish",
    ),
    (
        "*model_bgnbd*.json",
        re.compile(r"likelihooden er ikke flad"),
        lambda m: "log-sandsynligheden er ikke flad",
        "issue 16 point 2: Danish trust checks say the log-likelihood in Danish",
    ),
]


def _expected(golden_path: Path) -> bytes:
    """The golden, with the deliberate changes since the reference commit applied."""
    want = golden_path.read_bytes()
    text = want.decode("utf-8")
    for pattern, regex, change, _why in DELIBERATE:
        if golden_path.match(pattern):
            text = regex.sub(change, text)
    return text.encode("utf-8")


def test_every_deliberate_change_still_changes_a_golden() -> None:
    """A deliberate change that touches no golden any more is stale: remove it."""
    goldens = sorted(GOLDEN.rglob("*.json")) + sorted(GOLDEN.rglob("*.csv"))
    for pattern, regex, _change, why in DELIBERATE:
        hits = [
            path
            for path in goldens
            if path.match(pattern) and regex.search(path.read_text(encoding="utf-8"))
        ]
        assert hits, f"no golden has what this changes: {why}"


def _assert_same(got: bytes, golden_path: Path, what: str) -> None:
    want = _expected(golden_path)
    if got == want:
        return
    diff = list(
        difflib.unified_diff(
            want.decode("utf-8", "replace").splitlines(),
            got.decode("utf-8", "replace").splitlines(),
            "before issue 15",
            "now",
            lineterm="",
            n=1,
        )
    )
    shown = "\n".join(diff[:40]) if diff else "(same lines; line ends or the last newline differ)"
    raise AssertionError(f"{what}: stdout differs from {golden_path.relative_to(GOLDEN)}\n{shown}")


def _run(args: list[str], env) -> bytes:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, (
        f"kunde {' '.join(args)}: exit {result.exit_code}\n{result.output}"
    )
    return result.stdout_bytes


@pytest.mark.parametrize(("name", "key"), _cases(direct=False))
def test_workspace_gives_the_same_answers(name, key, env, workspaces, tmp_path_factory):
    case = INDEX["inputs"][name]["commands"][key]
    ws = _workspace(name, workspaces, tmp_path_factory, env)
    args = [*case["args"], "-w", str(ws)]
    _assert_same(_run(args, env), GOLDEN / case["golden"], f"kunde {' '.join(case['args'])}")


@pytest.mark.parametrize(("name", "key"), _cases(direct=True))
def test_files_give_the_same_answers(name, key, env):
    case = INDEX["inputs"][name]["commands"][key]
    args = [*case["args"], *_files(name)]
    what = f"kunde {' '.join(case['args'])} FILES"
    _assert_same(_run(args, env), GOLDEN / case["golden"], what)


def test_goldens_cover_every_analysis():
    """Every analysis command, in its views, has a golden (a smaller index fails here)."""
    seen = [
        " ".join(case["args"])
        for entry in INDEX["inputs"].values()
        for case in entry["commands"].values()
    ]
    assert {s.split()[0] for s in seen} >= {
        "segment",
        "ladder",
        "churn",
        "clv",
        "retention",
        "nps",
        "profiles",
        "export",
        "explain",
    }
    for view in (
        "segment --by customer",
        "ladder --by customer",
        "retention --cohorts",
        "churn --list",
        "clv --model bgnbd",
        "churn --model bgnbd",
        "--compare",
    ):
        assert any(view in s for s in seen), view
    # Two dates where the data has an order and its later refund or credit note.
    assert len({k.split("/")[0] for k in INDEX["inputs"]["sample"]["commands"]}) == 2
    assert len({k.split("/")[0] for k in INDEX["inputs"]["faktura_kreditnota"]["commands"]}) == 2


def test_inputs_are_the_files_the_goldens_were_made_from():
    """A changed sample or corpus file would make every comparison meaningless."""
    assert INDEX["commit"].startswith("b062fcd")
    for entry in INDEX["inputs"].values():
        for f, digest in entry["sha256"].items():
            assert hashlib.sha256((REPO / f).read_bytes()).hexdigest() == digest, f
