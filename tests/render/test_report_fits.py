"""Issue 17 point 1, a report that fits: every table of the HTML report is fully
visible on a 390 px phone, at 1280 px and at 1920 px (and at 768 and 1024 px, either
side of where the wide tables turn into cards), measured in headless Chromium.

The report is built on the sample shop (``sample_data/``) through the public API.
Headless Chromium will not make a window narrower than 500 px, so each width is a
frame of exactly that many CSS px in a small wrapper page (``wrapper``): inside the
frame media queries and ``clientWidth`` see the width asked for. The report in the
frame keeps its Content-Security-Policy (no script runs in it, and the test asserts
the policy is unchanged); the measuring script runs in the wrapper, which shares the
frame's origin (``srcdoc``). After load it writes, as JSON into a ``<pre id="fits">``,
for every ``<table>``: ``scrollWidth``/``clientWidth`` of the table and of its
scrolling container, the table's left/right edge against the page
(``document.documentElement.clientWidth``) and the numeric cells that take more than
one line; and for a few marked cells (a money cell, the longest action text of the
segment table and of the call list, a very long customer name put into the copy)
how many lines they take. Chromium's ``--dump-dom`` (with a virtual time budget, so
the script runs) hands the JSON back.

Screenshots: the real report (unchanged) is photographed at each width, as tall as
the page (up to 30,000 px; at 390 px the PNG is 500 px wide with the 390 px frame on
its left), and checked for console errors and network attempts. The PNGs are kept as
test artefacts: in pytest's temporary folder
(``/tmp/pytest-of-$USER/pytest-current/report-fits0/``) by default, or in
``test-artifacts/report-fits/`` at the repository root when ``$KUNDE_TEST_ARTIFACTS``
is set to anything non-empty (that folder is in ``.gitignore``).
"""

from __future__ import annotations

import json
import os
import re
from html import escape, unescape
from pathlib import Path

import pytest

import kunde_cli
from kunde_cli.render.html import render_report
from tests.render.test_html import CHROMIUM, _chromium, _page_problems

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
WIDTHS = (390, 768, 1024, 1280, 1920)
MAX_SHOT_HEIGHT = 30_000

# A real Danish shape of a long name: double first name, double surname, with a hyphen.
LONG_NAME = "Anne-Sofie Margrethe Christiansen Østergaard Vestergaard-Frederiksen Bjerregaard"

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

# The measuring script runs in the wrapper page and reads the report in its frame.
MEASURE = """
<script>
window.addEventListener('load', () => {
  const frame = document.getElementById('report');
  const doc = frame.contentDocument;
  const page = doc.documentElement.clientWidth;
  const lines = (el) => {
    const range = doc.createRange();
    range.selectNodeContents(el);
    const tops = new Set();
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    return tops.size;
  };
  const cell = (el) => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent, lines: lines(el), left: r.left, right: r.right,
            scroll: el.scrollWidth, client: el.clientWidth};
  };
  const tables = [...doc.querySelectorAll('table')].map((t) => {
    const box = t.parentElement;
    const r = t.getBoundingClientRect();
    const nums = [...t.querySelectorAll('td.num')];
    return {
      section: t.closest('section') ? t.closest('section').id : '',
      table_scroll: t.scrollWidth, table_client: t.clientWidth,
      box_scroll: box.scrollWidth, box_client: box.clientWidth,
      left: r.left, right: r.right, width: r.width,
      numbers_on_more_lines: nums.filter((c) => lines(c) > 1).map((c) => c.textContent),
      numbers: nums.length,
    };
  });
  const marked = {};
  for (const el of doc.querySelectorAll('[data-fits]')) marked[el.dataset.fits] = cell(el);
  const out = {page, page_scroll: doc.documentElement.scrollWidth,
               height: doc.documentElement.scrollHeight, tables, marked};
  const pre = document.createElement('pre');
  pre.id = 'fits';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def wrapper(report: str, width: int, height: int, script: str = "") -> str:
    """A page holding ``report`` unchanged in a frame exactly ``width`` CSS px wide.

    Headless Chromium will not make a window narrower than 500 px, so a phone is a
    frame: inside it the media queries and ``clientWidth`` see ``width``. The report
    keeps its own Content-Security-Policy (no script runs inside it); ``script``
    runs in the wrapper, which shares the frame's origin (``srcdoc``).
    """
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        "<style>html, body { margin: 0; overflow: hidden; } "
        "iframe { display: block; border: 0; }</style></head><body>"
        f'<iframe id="report" style="width: {width}px; height: {height}px" '
        f'srcdoc="{escape(report, quote=True)}"></iframe>{script}</body></html>'
    )


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots are kept (see the module docstring)."""
    if os.environ.get("KUNDE_TEST_ARTIFACTS"):
        folder = ROOT / "test-artifacts" / "report-fits"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("report-fits", numbered=False)


#: The answer sections of issue 18 (kunde_cli/app/answers/): the sample report holds
#: every one of them, so each is measured at every width.
ANSWER_SECTIONS = ("season", "due", "backtest", "monthly", "acquisition", "profit", "follow_up")


@pytest.fixture(scope="module")
def sample_shop(tmp_path_factory: pytest.TempPathFactory):
    """The sample shop with a margin in kunde.toml (the profit section) and a
    follow-up workbook made once (the follow-up section's open and closed cases)."""
    from typer.testing import CliRunner

    from kunde_cli.cli.main import app

    folder = tmp_path_factory.mktemp("fits-ws")
    workspace = folder / "kunde-data"
    kunde_cli.ingest_files([SAMPLE / "ordrer.csv", SAMPLE / "nps_svar.csv"], workspace)
    made = CliRunner().invoke(
        app, ["nps", "-w", str(workspace), "--follow-up", str(folder / "opfoelgning.xlsx"), "-q"]
    )
    assert made.exit_code == 0, made.output
    config = folder / "kunde.toml"
    config.write_text(
        '[profit]\nmargin = 0.35\n\n[profit.margin_by_category]\n"Kaffe & te" = 0.40\n',
        encoding="utf-8",
    )
    return kunde_cli.load(workspace=workspace, config_path=config)


def _report(shop, **options):  # type: ignore[no-untyped-def]
    return kunde_cli.build_report(shop, **options)


@pytest.fixture(scope="module")
def sample_report(sample_shop):
    return _report(sample_shop)


def test_the_sample_report_holds_every_answer_section(sample_report, sample_page):
    assert tuple(sample_report.answers) == ANSWER_SECTIONS
    for name in ANSWER_SECTIONS:
        assert f'<section id="{name.replace("_", "-")}">' in sample_page


@pytest.fixture(scope="module")
def sample_page(sample_report) -> str:
    return render_report(sample_report)


def _mark(page: str, name: str, cell: str) -> str:
    """Give the first ``<td ...>`` holding exactly ``cell`` (escaped text) a data-fits name."""
    found = re.search(r"<td( [^<>]*)?>" + re.escape(cell) + "</td>", page)
    assert found, f"no cell {cell!r} in the report"
    start = found.start() + len("<td")
    return page[:start] + f' data-fits="{name}"' + page[start:]


def _measuring_copy(page: str, first_name: str) -> str:
    """The report with a few cells marked (``data-fits``) and one very long name."""
    # The longest action text of the segment table and of the call list, a money cell.
    for section, name in (("segments", "segment_action"), ("churn", "candidate_action")):
        body = re.search(rf'<section id="{section}">(.*?)</section>', page, re.S).group(1)
        actions = re.findall(r'<td [^<>]*class="long"[^<>]*>([^<]*)</td>', body)
        assert actions, f"no action text in {section}"
        page = _mark(page, name, max(actions, key=len))
    money = re.search(r'<td [^<>]*class="num"[^<>]*>([^<]* kr\.|DKK [^<]*)</td>', page).group(1)
    page = _mark(page, "money", money)
    # The first reactivation candidate gets a very long name.
    escaped = first_name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    page = _mark(page, "long_name", escaped)
    page, n = re.subn(
        r'(data-fits="long_name"[^<>]*>)' + re.escape(escaped), r"\g<1>" + LONG_NAME, page, count=1
    )
    assert n == 1
    return page


def _measure(report: str, width: int, tmp_path: Path) -> tuple[dict, list[str]]:
    copy = tmp_path / f"measure-{width}.html"
    copy.write_text(wrapper(report, width, 1200, MEASURE), encoding="utf-8")
    done = _chromium(
        copy.as_uri(),
        tmp_path,
        f"--window-size={max(width, 500)},1200",
        "--virtual-time-budget=5000",
        "--dump-dom",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="fits">(.*?)</pre>', done.stdout, re.S)
    assert found, "the measuring script did not run:\n" + done.stderr[-2000:]
    return json.loads(unescape(found.group(1))), _page_problems(done.stderr)


def overflows(measured: dict) -> list[str]:
    """Every way a table sticks out: past its own box, its scrolling box, or the page."""
    page = measured["page"]
    found = []
    if measured["page_scroll"] > page:
        found.append(f"page scrolls sideways: {measured['page_scroll']} > {page}")
    for n, t in enumerate(measured["tables"]):
        where = f"table {n} ({t['section']})"
        if t["table_scroll"] > t["table_client"]:
            found.append(f"{where}: table scrollWidth {t['table_scroll']} > {t['table_client']}")
        if t["box_scroll"] > t["box_client"]:
            found.append(f"{where}: container scrollWidth {t['box_scroll']} > {t['box_client']}")
        if t["left"] < 0 or t["right"] > page + 0.5 or t["width"] > page:
            found.append(f"{where}: {t['left']:.0f}–{t['right']:.0f} px on a {page} px page")
        if t["numbers_on_more_lines"]:
            found.append(f"{where}: numbers on two lines: {t['numbers_on_more_lines'][:3]}")
    return found


def test_overflow_check_can_fail():
    measured = {
        "page": 390,
        "page_scroll": 400,
        "tables": [
            {
                "section": "segments",
                "table_scroll": 900,
                "table_client": 900,
                "box_scroll": 900,
                "box_client": 370,
                "left": 10,
                "right": 910,
                "width": 900,
                "numbers_on_more_lines": ["1.735.396 kr."],
            }
        ],
    }
    assert len(overflows(measured)) == 4
    measured["page_scroll"] = 390
    measured["tables"][0].update(box_scroll=370, right=380, width=370, numbers_on_more_lines=[])
    assert overflows(measured) == []


@pytest.mark.browser
@pytest.mark.parametrize("width", (390, 1280))
def test_every_table_fits_the_page_in_english(width, sample_shop, tmp_path):
    """English labels are longer in places ("Customers at start (A)")."""
    if not CHROMIUM.exists():
        pytest.skip(reason="Chromium is not installed at /usr/bin/chromium (CI installs it)")
    report = _report(sample_shop, lang="en")
    page = render_report(report)
    assert "Customers" in page
    assert tuple(report.answers) == ANSWER_SECTIONS
    first_name = report.candidates.get_column("name")[0]
    measured, problems = _measure(_measuring_copy(page, first_name), width, tmp_path)
    assert problems == []
    assert overflows(measured) == [], json.dumps(measured["tables"], indent=1)
    assert measured["marked"]["money"]["lines"] == 1


@pytest.mark.browser
def test_the_measure_sees_a_table_that_does_not_fit(sample_report, sample_page, tmp_path):
    """The browser half can fail too: with headers and text kept on one line (as the
    report's CSS had it before issue 17) the tables stick out at 1280 px."""
    if not CHROMIUM.exists():
        pytest.skip(reason="Chromium is not installed at /usr/bin/chromium (CI installs it)")
    first_name = sample_report.candidates.get_column("name")[0]
    copy = _measuring_copy(sample_page, first_name)
    copy = copy.replace("</head>", "<style>th, td { white-space: nowrap; }</style></head>", 1)
    measured, problems = _measure(copy, 1280, tmp_path)
    assert problems == []
    found = overflows(measured)
    assert any("(churn): container scrollWidth" in line for line in found), found
    assert measured["marked"]["long_name"]["lines"] == 1


def test_the_report_keeps_its_content_security_policy(sample_page):
    assert f'content="{CSP}"' in sample_page
    assert "<script" not in sample_page.lower()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_every_table_fits_the_page(width, sample_report, sample_page, artefacts, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(reason="Chromium is not installed at /usr/bin/chromium (CI installs it)")
    first_name = sample_report.candidates.get_column("name")[0]
    measured, problems = _measure(_measuring_copy(sample_page, first_name), width, tmp_path)
    assert problems == []
    assert measured["page"] <= width
    assert len(measured["tables"]) >= 6
    assert overflows(measured) == [], json.dumps(measured["tables"], indent=1)

    marked = measured["marked"]
    assert set(marked) == {"segment_action", "candidate_action", "money", "long_name"}
    for name, cell in marked.items():
        assert cell["scroll"] <= cell["client"], f"{name} overflows its cell: {cell}"
        assert cell["left"] >= 0 and cell["right"] <= measured["page"] + 0.5, (name, cell)
    assert marked["money"]["lines"] == 1, marked["money"]
    assert marked["long_name"]["text"] == LONG_NAME
    assert marked["long_name"]["lines"] >= 2, marked["long_name"]
    assert marked["segment_action"]["lines"] >= 2, marked["segment_action"]
    assert marked["candidate_action"]["lines"] >= 2, marked["candidate_action"]

    # The real report, unchanged: a screenshot as tall as the page, kept as an artefact.
    height = min(measured["height"], MAX_SHOT_HEIGHT)
    page = tmp_path / f"shot-{width}.html"
    page.write_text(wrapper(sample_page, width, height), encoding="utf-8")
    shot = artefacts / f"report-{width}px.png"
    done = _chromium(
        page.as_uri(), tmp_path, f"--screenshot={shot}", f"--window-size={max(width, 500)},{height}"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _page_problems(done.stderr) == []
    assert shot.stat().st_size > 20_000


def test_the_workbook_has_a_sheet_per_answer_section(sample_shop):
    """The report's workbook carries the answer sections too, numbers as numbers."""
    import io

    import openpyxl

    from kunde_cli.render.workbook import report_workbook

    report = _report(sample_shop, lang="en")
    data, _ = report_workbook(report)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    names = wb.sheetnames
    expected = [
        "Seasons",
        "Regular buyers due soon",
        "Does the model hold_",  # Excel allows no "?" in a sheet name
        "The next 12 months",
        "What a new customer is worth",
        "Profit CLV",
        "Following up detractors and pas",  # 31 characters: Excel's limit
    ]
    assert [n for n in names if n in expected] == expected, names
    # The season sheet: twelve months, shares as numbers that add up to one year.
    shares = [row[1] for row in wb["Seasons"].iter_rows(min_row=2, max_row=13, values_only=True)]
    assert all(isinstance(v, float) for v in shares)
    assert sum(shares) == pytest.approx(1.0)
    # The next 12 months: the last row is the whole horizon, the sum of the twelve.
    rows = [r for r in wb["The next 12 months"].iter_rows(min_row=2, values_only=True) if r[0]]
    purchases = [r[3] for r in rows[:13]]
    assert all(isinstance(v, float) for v in purchases)
    assert purchases[12] == pytest.approx(sum(purchases[:12]), rel=1e-6)


def test_the_report_months_add_up_to_its_predicted_clv(sample_report):
    # The monthly section takes the report's horizon and discount (it used 10 % a year
    # while the report's CLV discounts 1 % a month): its months' revenue sums to the
    # customer-value section's predicted total.
    import polars as pl

    value = sample_report.answers["monthly"].value
    assert value.months == sample_report.clv.horizon_months
    months = value.table.filter(pl.col("month").is_not_null())
    assert months.height == value.months
    total = float(months.get_column("expected_revenue").sum())
    assert total == pytest.approx(sample_report.clv.total_predicted, rel=1e-6)
