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


# Issue 17 point 4 ("numbers that agree"), on purpose:
# (a) nobody is an ambassador while inactive or lost. DESIGN.md's ladder (returning or
#     loyal + latest answer 9–10) let a lost customer who once answered 10 be one; the
#     issue wins. Such a customer is on the rung an inactive customer's orders give:
#     returning. Per customer that is exactly ",ambassador,true," -> ",returning,true,"
#     (ladder --by customer) and rung "ambassador" -> "returning" beside tier inactive or
#     lost (export); per rung the sums move from ambassador to returning (ladder,
#     profiles --by rung, nps --by rung: the rows below, recomputed by the new code).
# (b) ladder --compare: a movement is the two rungs' (new/up/same/down/gone), so the
#     counts are the from × to matrix's sums (it said "0 fell back" beside 30 moving
#     down); going inactive is a column beside it, went_inactive (0 on every corpus row
#     but the sample's, whose whole flow also has (a) in it).
_ISSUE17_WHY_RUNG = "issue 17 point 4: an inactive or lost customer is returning, not an ambassador"
_ISSUE17_WHY_FLOW = (
    "issue 17 point 4: ladder movements are the matrix's (up/same/down/new/gone), "
    "went_inactive beside them"
)
#: (golden, old rows, new rows): the per-rung rows that (a) recomputes.
_ISSUE17_ROWS: list[tuple[str, str, str]] = [
    (
        "sample/2026-10-31/ladder.csv",
        'returning,416,0.2067,1061593.2,0.2281,181,"Flere køb og fast kontakt: stempelkort, medlemsfordele, påmindelser når de plejer at købe."',
        'returning,458,0.2275,1306311.2,0.2807,223,"Flere køb og fast kontakt: stempelkort, medlemsfordele, påmindelser når de plejer at købe."',
    ),
    (
        "sample/2026-10-31/ladder.csv",
        'ambassador,122,0.0606,669182.8,0.1438,42,"Øverste trin: tak, involvér dem (test af nyheder, events) og beløn henvisninger."',
        'ambassador,80,0.0397,424464.8,0.0912,0,"Øverste trin: tak, involvér dem (test af nyheder, events) og beløn henvisninger."',
    ),
    (
        "sample/2026-10-31/profiles_by_rung.csv",
        'returning,416,0.2067,1061593.2,0.2281,1373,3.3005,773.19,63.0,174.0,"Kaffekværn (11 %), Sengetøj i hør (8 %), Støbejernsgryde 24 cm (7 %)","Køkken (27 %), Bolig (22 %), Tøj & tilbehør (19 %)","Aarhus C (14 %), Aarhus N (8 %), Viby J (5 %)","8000 (14 %), 8200 (8 %), 8260 (5 %)",Danmark (100 %),"Webshop (81 %), Butik (19 %)",-31.0345,58',
        'returning,458,0.2275,1306311.2,0.2807,1659,3.6223,787.41,57.0,184.0,"Kaffekværn (10 %), Støbejernsgryde 24 cm (8 %), Sengetøj i hør (8 %)","Køkken (26 %), Bolig (21 %), Tøj & tilbehør (20 %)","Aarhus C (13 %), Aarhus N (9 %), Viby J (4 %)","8000 (13 %), 8200 (9 %), 8260 (4 %)",Danmark (100 %),"Webshop (83 %), Butik (17 %)",24.0,100',
    ),
    (
        "sample/2026-10-31/profiles_by_rung.csv",
        'ambassador,122,0.0606,669182.8,0.1438,773,6.3361,865.7,54.0,109.5,"Kaffekværn (10 %), Støbejernsgryde 24 cm (10 %), Regnjakke (8 %)","Køkken (31 %), Tøj & tilbehør (21 %), Bolig (17 %)","Aarhus C (14 %), Aarhus N (10 %), Brabrand (5 %)","8000 (14 %), 8200 (10 %), 8220 (5 %)",Danmark (100 %),"Webshop (83 %), Butik (17 %)",100.0,122',
        'ambassador,80,0.0397,424464.8,0.0912,487,6.0875,871.59,64.0,63.0,"Kaffekværn (11 %), Støbejernsgryde 24 cm (9 %), Kokkekniv 20 cm (9 %)","Køkken (34 %), Tøj & tilbehør (21 %), Bolig (19 %)","Aarhus C (18 %), Aarhus N (9 %), Sønderborg (5 %)","8000 (18 %), 8200 (9 %), 6400 (5 %)",Danmark (100 %),"Webshop (78 %), Butik (22 %)",100.0,80',
    ),
    (
        "sample/2026-10-31/nps_by_rung.csv",
        (
            "ambassador,122,122,0,0,1.0,0.0,0.0,100.0,94.3005,100.0,false\n"
            "returning,58,0,40,18,0.0,0.6897,0.3103,-31.0345,-41.6112,-17.4051,false"
        ),
        (
            "returning,100,42,40,18,0.42,0.4,0.18,24.0,9.0726,37.5293,false\n"
            "ambassador,80,80,0,0,1.0,0.0,0.0,100.0,91.4369,100.0,false"
        ),
    ),
    (
        "sample/2026-10-15/ladder.csv",
        'returning,415,0.2109,1062054.0,0.2349,171,"Flere køb og fast kontakt: stempelkort, medlemsfordele, påmindelser når de plejer at købe."',
        'returning,455,0.2312,1299862.6,0.2874,211,"Flere køb og fast kontakt: stempelkort, medlemsfordele, påmindelser når de plejer at købe."',
    ),
    (
        "sample/2026-10-15/ladder.csv",
        'ambassador,101,0.0513,514128.0,0.1137,40,"Øverste trin: tak, involvér dem (test af nyheder, events) og beløn henvisninger."',
        'ambassador,61,0.031,276319.4,0.0611,0,"Øverste trin: tak, involvér dem (test af nyheder, events) og beløn henvisninger."',
    ),
    (
        "sample/2026-10-15/profiles_by_rung.csv",
        'returning,415,0.2109,1062054.0,0.2349,1379,3.3229,770.16,62.5,164.0,"Kaffekværn (11 %), Sengetøj i hør (8 %), Støbejernsgryde 24 cm (7 %)","Køkken (25 %), Bolig (22 %), Tøj & tilbehør (19 %)","Aarhus C (14 %), Aarhus N (8 %), Viby J (5 %)","8000 (14 %), 8200 (8 %), 8260 (5 %)",Danmark (100 %),"Webshop (82 %), Butik (18 %)",-28.3019,53',
        'returning,455,0.2312,1299862.6,0.2874,1652,3.6308,786.84,56.0,176.0,"Kaffekværn (10 %), Sengetøj i hør (8 %), Støbejernsgryde 24 cm (8 %)","Køkken (25 %), Bolig (21 %), Tøj & tilbehør (19 %)","Aarhus C (13 %), Aarhus N (8 %), Brabrand (4 %)","8000 (13 %), 8200 (8 %), 8220 (4 %)",Danmark (100 %),"Webshop (83 %), Butik (17 %)",26.8817,93',
    ),
    (
        "sample/2026-10-15/profiles_by_rung.csv",
        'ambassador,101,0.0513,514128.0,0.1137,596,5.901,862.63,58.0,134.0,"Støbejernsgryde 24 cm (11 %), Regnjakke (7 %), Kaffekværn (7 %)","Køkken (28 %), Tøj & tilbehør (20 %), Bolig (19 %)","Aarhus C (11 %), Aarhus N (11 %), Brabrand (6 %)","8000 (11 %), 8200 (11 %), 8220 (6 %)",Danmark (100 %),"Webshop (84 %), Butik (16 %)",100.0,101',
        'ambassador,61,0.031,276319.4,0.0611,323,5.2951,855.48,80.0,70.0,"Støbejernsgryde 24 cm (11 %), Strikket sweater (8 %), Uldplaid (8 %)","Køkken (30 %), Bolig (25 %), Tøj & tilbehør (20 %)","Aarhus C (13 %), Aarhus N (11 %), Brabrand (5 %)","8000 (13 %), 8200 (11 %), 4000 (5 %)",Danmark (100 %),"Webshop (79 %), Butik (21 %)",100.0,61',
    ),
    (
        "sample/2026-10-15/nps_by_rung.csv",
        (
            "ambassador,101,101,0,0,1.0,0.0,0.0,100.0,93.1561,100.0,false\n"
            "returning,53,0,38,15,0.0,0.717,0.283,-28.3019,-39.1512,-14.4202,false"
        ),
        (
            "returning,93,40,38,15,0.4301,0.4086,0.1613,26.8817,11.6064,40.4769,false\n"
            "ambassador,61,61,0,0,1.0,0.0,0.0,100.0,88.9183,100.0,false"
        ),
    ),
]

#: sample/2026-10-31/ladder_compare.csv, before and after (a) and (b) together.
_ISSUE17_SAMPLE_FLOW_OLD = (
    "from_rung,to_rung,movement,customers\n"
    "none,potential,new,17\n"
    "none,first_time,new,360\n"
    "none,returning,new,78\n"
    "none,loyal,new,18\n"
    "none,ambassador,new,4\n"
    "potential,potential,same,46\n"
    "potential,first_time,up,3\n"
    "first_time,first_time,same,658\n"
    "first_time,first_time,inactive,119\n"
    "first_time,returning,up,76\n"
    "first_time,returning,inactive,5\n"
    "first_time,loyal,up,8\n"
    "first_time,ambassador,up,12\n"
    "first_time,ambassador,inactive,1\n"
    "returning,returning,same,186\n"
    "returning,returning,inactive,41\n"
    "returning,loyal,up,77\n"
    "returning,ambassador,up,32\n"
    "returning,ambassador,inactive,3\n"
    "loyal,returning,inactive,30\n"
    "loyal,loyal,same,169\n"
    "loyal,ambassador,up,26\n"
    "loyal,ambassador,inactive,6\n"
    "ambassador,ambassador,same,25\n"
    "ambassador,ambassador,inactive,13\n"
)
_ISSUE17_SAMPLE_FLOW_NEW = (
    "from_rung,to_rung,movement,customers,went_inactive\n"
    "none,potential,new,17,0\n"
    "none,first_time,new,360,0\n"
    "none,returning,new,78,0\n"
    "none,loyal,new,18,0\n"
    "none,ambassador,new,4,0\n"
    "potential,potential,same,46,0\n"
    "potential,first_time,up,3,0\n"
    "first_time,first_time,same,777,119\n"
    "first_time,returning,up,82,6\n"
    "first_time,loyal,up,8,0\n"
    "first_time,ambassador,up,12,0\n"
    "returning,returning,same,249,44\n"
    "returning,loyal,up,77,0\n"
    "returning,ambassador,up,31,0\n"
    "loyal,returning,down,36,36\n"
    "loyal,loyal,same,169,0\n"
    "loyal,ambassador,up,26,0\n"
    "ambassador,returning,down,13,13\n"
    "ambassador,ambassador,same,7,0\n"
)


def _replaced(pattern: str, old: str, new: str, why: str):
    """A DELIBERATE entry that replaces the exact text ``old`` by ``new``."""
    return (pattern, re.compile(re.escape(old)), lambda m: new, why)


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
    (
        "ladder_by_customer.csv",
        re.compile(r"^([^,\n]*,\d+,[-\d.]+,)ambassador(,true,)", re.M),
        lambda m: m.group(1) + "returning" + m.group(2),
        _ISSUE17_WHY_RUNG,
    ),
    (
        "export_*.csv",
        re.compile(r"(?<=,)ambassador(?=,(?:inactive|lost)[,\"])"),
        lambda m: "returning",
        _ISSUE17_WHY_RUNG,
    ),
    *[_replaced(golden, old, new, _ISSUE17_WHY_RUNG) for golden, old, new in _ISSUE17_ROWS],
    _replaced(
        "sample/2026-10-31/ladder_compare.csv",
        _ISSUE17_SAMPLE_FLOW_OLD,
        _ISSUE17_SAMPLE_FLOW_NEW,
        f"{_ISSUE17_WHY_RUNG}; {_ISSUE17_WHY_FLOW}",
    ),
    (
        "ladder_compare.csv",
        re.compile(r"^from_rung,to_rung,movement,customers$", re.M),
        lambda m: m.group(0) + ",went_inactive",
        _ISSUE17_WHY_FLOW,
    ),
    (
        "ladder_compare.csv",
        re.compile(r"^[a-z_]+,[a-z_]+,(?:new|up|same|down),\d+$", re.M),
        lambda m: m.group(0) + ",0",
        _ISSUE17_WHY_FLOW,
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
