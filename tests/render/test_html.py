"""The HTML report: self-contained, escaped, sections with their sentence, da/en, print and phone.

Most tests build a ReportData from a hand-made ten-customer shop (the analyses
themselves are tested in tests/analytics); the browser test opens the page in
headless Chromium where it is installed.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.analytics import clv as clv_mod
from kunde_cli.errors import ConfigError
from kunde_cli.render import html as html_mod
from kunde_cli.render.html import render_report, template_dir, text
from kunde_cli.report import (
    CLV_FAILED,
    CLV_UNTRUSTED,
    build_report,
    default_compare,
    value_distribution,
)

AS_OF = date(2024, 6, 15)
XSS_NAME = "<script>alert(1)</script>"
XSS_COMMENT = 'Altid <b>god</b> service <img src=x onerror="alert(2)">'
XSS_PRODUCT = "<i>Kaffe</i> & te"


def _lines() -> pl.LazyFrame:
    """Ten customers over a year and a half (as-of 15-06-2024).

    K1 buys monthly and is recent; K2 (named like a script) bought five times, every
    two months, until 01-02-2024 and is now inactive; K3 and K9 stopped in 2023; K5, K6, K10 bought once; K7's only
    order was refunded.
    """
    rows = []
    n = 0

    def order(cid, name, email, day, amount, status="paid", product="Kaffe", consent=True):
        nonlocal n
        n += 1
        rows.append(
            {
                s.ORDER_ID: str(1000 + n),
                s.LINE_NO: 1,
                s.CUSTOMER_ID: cid,
                s.EMAIL: email,
                s.NAME: name,
                s.ORDER_DATE: datetime.fromisoformat(day),
                s.AMOUNT: amount,
                s.QUANTITY: 1,
                s.PRODUCT: product,
                s.CATEGORY: "Drikke",
                s.CHANNEL: "web",
                s.PHONE: None,
                s.POSTCODE: "8000",
                s.CITY: "Aarhus",
                s.COUNTRY: "DK",
                s.STATUS: status,
                s.MARKETING_CONSENT: consent,
                s.SOURCE_FILE: "test",
                s.SOURCE_ROW: n,
            }
        )

    for month in (1, 2, 3, 4, 5):
        order("K1", "Anna Hansen", "anna@example.dk", f"2024-0{month}-01", 200.0)
    order("K1", "Anna Hansen", "anna@example.dk", "2024-06-10", 250.0)
    for day in ("2023-07-05", "2023-09-05", "2023-11-05", "2024-01-05", "2024-02-01"):
        order("K2", XSS_NAME, "xss@example.dk", day, 400.0, product=XSS_PRODUCT)
    for day in ("2023-02-02", "2023-04-02", "2023-06-02"):
        order("K3", "Bo Jensen", None, day, 150.0, consent=False)
    order("K4", "Carla Nielsen", "carla@example.dk", "2023-10-01", 90.0, consent=False)
    order("K4", "Carla Nielsen", "carla@example.dk", "2024-01-15", 110.0, consent=False)
    order("K5", "+Dorte Madsen", "dorte@example.dk", "2024-06-14", 75.0)
    order("K6", "Erik Olsen", "erik@example.dk", "2023-12-01", 300.0)
    order("K7", "@Frida Berg", "frida@example.dk", "2024-03-03", 120.0, status="refunded")
    order("K8", "-Gitte Lund", "gitte@example.dk", "2024-02-01", 60.0)
    order("K8", "-Gitte Lund", "gitte@example.dk", "2024-05-20", 80.0)
    for day in ("2023-03-01", "2023-04-01", "2023-05-01", "2023-06-01"):
        order("K9", "Hans Holm", "hans@example.dk", day, 100.0)
    order("K10", "Ida Krog", "ida@example.dk", "2024-05-05", 50.0, consent=False)
    return pl.DataFrame(rows, schema=s.ORDERS).lazy()


def _survey() -> pl.LazyFrame:
    answers = [
        ("r1", "anna@example.dk", "2024-06-01", 10, XSS_COMMENT),
        ("r2", "xss@example.dk", "2024-06-10", 3, "Alt for langsom levering"),
        ("r3", "hans@example.dk", "2024-02-01", 2, "Dårlig levering"),
        ("r4", "erik@example.dk", "2024-06-05", 9, "Hurtig levering"),
        ("r5", "carla@example.dk", "2024-06-12", 6, "For dyrt"),
        ("r6", "ukendt@example.dk", "2024-05-01", 8, None),
    ]
    return pl.DataFrame(
        {
            s.RESPONSE_ID: [a[0] for a in answers],
            s.CUSTOMER_ID: [None] * len(answers),
            s.EMAIL: [a[1] for a in answers],
            s.NAME: [None] * len(answers),
            s.RESPONDED_AT: [datetime.fromisoformat(a[2]) for a in answers],
            s.SCORE: [a[3] for a in answers],
            s.COMMENT: [a[4] for a in answers],
            s.ORDER_ID: [None] * len(answers),
            s.SOURCE_FILE: ["svar.csv"] * len(answers),
            s.SOURCE_ROW: list(range(2, 2 + len(answers))),
        },
        schema=s.SURVEY,
    ).lazy()


@pytest.fixture(scope="module")
def report_da():
    return build_report(_lines(), as_of=AS_OF, survey=_survey(), lang="da")


@pytest.fixture(scope="module")
def page_da(report_da) -> str:
    return render_report(report_da)


# --- self-contained -------------------------------------------------------------------------

_ATTR_URL = re.compile(r"<[^<>]*?\b(?:src|href|action|xlink:href)\s*=\s*[\"']?([^\"'\s>]*)", re.I)


def external_references(page: str) -> list[str]:
    """Everything in ``page`` that a browser could fetch from outside the file.

    URL-valued attributes of real tags (escaped text such as ``&lt;img src=x`` is not
    a tag) other than in-page anchors and data: URIs, any http(s):// at all, CSS
    imports and url() references that are neither data: nor in-page (``#id``), and any script or link tag.
    """
    found = [u for u in _ATTR_URL.findall(page) if not u.startswith(("#", "data:"))]
    found += re.findall(r"https?://\S{0,40}", page)
    found += re.findall(r"@import[^;]*", page)
    found += [
        u for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", page) if not u.startswith(("data:", "#"))
    ]
    found += re.findall(r"<(?:script|link|iframe|object|embed)\b[^>]*>", page, re.I)
    return found


def test_external_references_detector_finds_what_it_should():
    # The detector used below must be able to fail.
    bad = (
        '<img src="http://x.dk/a.png"><a href="https://x.dk">x</a><link rel=stylesheet href=a.css>'
        "<style>@import 'a.css'; p{background:url(b.png)}</style><script>1</script>"
    )
    assert len(external_references(bad)) >= 6
    assert external_references('<a href="#nps">NPS</a><img src="data:image/png;base64,AA">') == []
    assert external_references("&lt;img src=x onerror=alert(1)&gt;") == []


def test_report_has_no_external_references(page_da):
    assert external_references(page_da) == []
    assert "xmlns" not in page_da  # the SVG namespace URLs are stripped too


def test_charts_are_inline_svg(page_da):
    # trend by month, segments, ladder funnel, cohort heatmap, NPS trend, value distribution
    assert page_da.count("<svg") == 6
    assert 'role="img"' in page_da


def test_content_security_policy_blocks_every_load(page_da):
    assert "default-src 'none'" in page_da


# --- escaping --------------------------------------------------------------------------------


def test_names_comments_and_products_are_escaped(page_da):
    # K2 is a reactivation candidate, so her name is in the page — as text.
    assert XSS_NAME not in page_da
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_da
    assert "<script" not in page_da.lower()
    assert "<img" not in page_da
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page_da
    assert "&lt;b&gt;god&lt;/b&gt;" in page_da
    assert "<i>Kaffe</i>" not in page_da
    assert "&lt;i&gt;Kaffe&lt;/i&gt; &amp; te" in page_da


def test_environment_autoescapes():
    env = html_mod.environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


# --- sections --------------------------------------------------------------------------------

SECTIONS = ("key", "segments", "ladder", "retention", "churn", "nps", "clv", "personas")


def _section(page: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)
    assert match, f"section {name} missing"
    return match.group(1)


@pytest.mark.parametrize("name", SECTIONS)
def test_every_section_has_one_plain_sentence(page_da, name):
    body = _section(page_da, name)
    leads = re.findall(r'<p class="lead">(.*?)</p>', body, re.S)
    assert len(leads) == 1
    sentence = leads[0].strip()
    assert len(sentence) > 40
    assert sentence.endswith((".", ":", "!")) or sentence[-1].isalnum()


def test_key_figures(report_da, page_da):
    # Customers with a counted order: K1–K6, K8–K10 = 9 (K7 only had a refund).
    assert report_da.key.customers == 9
    # Repeat customers: K1, K2, K3, K4, K8, K9 = 6 of 9.
    assert report_da.key.repurchase_rate == pytest.approx(6 / 9)
    # Revenue: 1250 + 2000 + 450 + 200 + 75 + 300 + 140 + 400 + 50 = 4865 (the refund is out).
    assert report_da.key.revenue == pytest.approx(4865.0)
    key = _section(page_da, "key")
    assert "4.865 kr." in key
    assert "67 %" in key  # 6 / 9 repurchase rate
    # NPS: 6 answers: promoters 10, 9 → 2; detractors 3, 2, 6 → 3; NPS = 100 × (2 − 3) / 6
    assert report_da.key.nps.nps == pytest.approx(-100 / 6)
    assert "−17" in key
    assert "6 svar" in key


def test_ladder_movement_since_compare(report_da, page_da):
    assert report_da.compare == default_compare(AS_OF) == date(2024, 3, 17)
    assert "Siden 17-03-2024" in _section(page_da, "ladder")
    # K5 (14-06-2024) and K10 (05-05-2024) bought for the first time after 17-03.
    moves = report_da.ladder_flow
    new = moves.filter(pl.col("movement") == "new")["customers"].sum()
    assert new >= 2


def test_top_candidates_are_capped(report_da):
    capped = build_report(_lines(), as_of=AS_OF, top=2)
    assert capped.candidates.height == 2
    assert capped.candidates_total == report_da.candidates_total > 2


def test_compare_after_as_of_is_refused():
    with pytest.raises(ConfigError, match="must be before"):
        build_report(_lines(), as_of=AS_OF, compare=date(2024, 7, 1))


def test_without_survey_the_nps_section_says_so():
    data = build_report(_lines(), as_of=AS_OF)
    page = render_report(data)
    assert data.nps is None and data.key.nps is None
    assert text("nps_none", "da") in _section(page, "nps")
    assert page.count("<svg") == 5  # no NPS chart; the trend chart has no NPS panel
    assert "NPS (95 %-interval)" not in _section(page, "trend")


def test_failed_model_is_said_in_plain_words(report_da, page_da):
    # Ten customers cannot carry a BG/NBD fit.
    assert report_da.clv.status == CLV_FAILED
    clv = _section(page_da, "clv")
    assert "kunne ikke beregnes" in clv
    assert "simple kundeværdi" in clv


def test_untrusted_model_is_said_in_plain_words(monkeypatch):
    # A fit on 120 customers (40 repeat) fails two trust checks; the report says them in
    # its own language, from the fit's numbers.
    fit = clv_mod.BgNbdParams(
        r=0.24,
        alpha=4.4,
        a=0.79,
        b=2.4,
        loglik=-9582.4,
        n_customers=120,
        n_repeat=40,
        converged=True,
    )

    def untrusted(*args, **kwargs):
        return clv_mod.ClvResult(
            customers=pl.DataFrame(),
            purchase_model=fit,
            spend_model=None,
            horizon_months=12,
            discount_monthly=0.01,
            trusted=False,
            reasons=("only 120 customers: predictions need at least 200",),
        )

    monkeypatch.setattr(clv_mod, "predict_clv", untrusted)
    data = build_report(_lines(), as_of=AS_OF)
    assert data.clv.status == CLV_UNTRUSTED
    clv = _section(render_report(data), "clv")
    assert "kan ikke stoles på" in clv
    assert "kun 120 kunder: forudsigelser kræver mindst 200" in clv
    assert "only 120" not in clv
    english = build_report(_lines(), as_of=AS_OF, lang="en")
    assert "only 120 customers: predictions need at least 200" in _section(
        render_report(english), "clv"
    )


def test_english():
    page = render_report(build_report(_lines(), as_of=AS_OF, survey=_survey(), lang="en"))
    assert '<html lang="en">' in page
    assert "Customer report" in page
    assert "Key figures" in page
    assert "DKK 4,865" in page
    assert "Nøgletal" not in page


def test_danish_is_the_default(page_da):
    assert '<html lang="da">' in page_da
    assert "Kunderapport" in page_da


def test_print_and_phone_css(page_da):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page_da
    assert "@media print" in page_da
    assert "size: A4" in page_da
    assert "@media (max-width: 600px)" in page_da
    assert "break-inside: avoid" in page_da


def test_anonymised_report_has_no_personal_data():
    data = build_report(_lines(), as_of=AS_OF, survey=_survey(), anonymise_salt="hemmelig")
    page = render_report(data)
    for personal in ("Anna Hansen", "anna@example.dk", "Hans Holm", "hans@example.dk", "Langsom"):
        assert personal not in page
    assert "Kunde " in page
    assert text("nps_comments_hidden", "da") in page
    # Stable: the same salt gives the same pseudonyms.
    again = build_report(_lines(), as_of=AS_OF, survey=_survey(), anonymise_salt="hemmelig")
    assert (
        again.customers.get_column("name").to_list() == data.customers.get_column("name").to_list()
    )


def test_value_distribution_bands():
    # p95 of [10, 20, 95, 1000] = 95 + 0.85 × 905 = 864.25 → width 864.25 / 2 → 500;
    # 1000 is past the last edge (2 × 500), so it goes to the open band.
    out = value_distribution(pl.Series([10.0, 20.0, 95.0, 1000.0]), bins=2)
    assert out.rows() == [(0.0, 500.0, 3), (500.0, 1000.0, 0), (1000.0, None, 1)]
    # p95 of [0.5, 1.5, 2.5] = 2.4 → width 0.8 → 1; nobody at or past 3: no open band.
    out = value_distribution(pl.Series([0.5, 1.5, 2.5]), bins=3)
    assert out.rows() == [(0.0, 1.0, 1), (1.0, 2.0, 1), (2.0, 3.0, 1)]


# --- templates are found in a checkout and in an installed wheel ----------------------------


def test_template_dir_in_checkout():
    assert template_dir() == Path(__file__).resolve().parents[2] / "templates"


def test_template_dir_prefers_installed_package_data(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "kunde_cli"
    data = package / "_data" / "templates"
    data.mkdir(parents=True)
    (data / "report.html.j2").write_text("x", encoding="utf-8")
    (package / "render").mkdir()
    monkeypatch.setattr(html_mod, "__file__", str(package / "render" / "html.py"))
    assert template_dir() == data


# --- headless Chromium ---------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


def _chromium(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _page_problems(stderr: str) -> list[str]:
    """Console messages (errors, CSP refusals), uncaught errors and failed loads."""
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line or "Uncaught" in line or "net::ERR_" in line
    ]


@pytest.mark.browser
def test_report_in_headless_chromium(tmp_path, page_da):
    if not CHROMIUM.exists():
        pytest.skip(reason="Chromium is not installed at /usr/bin/chromium (CI installs it)")
    page = tmp_path / "rapport.html"
    page.write_text(page_da, encoding="utf-8")
    shot = tmp_path / "rapport.png"
    result = _chromium(page.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1200,3000")
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 10_000  # a real picture, not a blank page
    assert _page_problems(result.stderr) == []
    dom = _chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert "Kunderapport" in dom.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
    assert _page_problems(dom.stderr) == []
    # The same harness sees a page that tries to load something (so it can fail).
    leaky = tmp_path / "leaky.html"
    leaky.write_text(page_da.replace("</main>", '<img src="http://127.0.0.1:9/x.png"></main>'))
    assert _page_problems(_chromium(leaky.as_uri(), tmp_path, "--dump-dom").stderr)


@pytest.mark.browser
def test_report_on_phone_width_in_chromium(tmp_path, page_da):
    if not CHROMIUM.exists():
        pytest.skip(reason="Chromium is not installed at /usr/bin/chromium (CI installs it)")
    page = tmp_path / "rapport.html"
    page.write_text(page_da, encoding="utf-8")
    shot = tmp_path / "phone.png"
    result = _chromium(page.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=390,2400")
    assert result.returncode == 0
    assert shot.stat().st_size > 5_000
    assert _page_problems(result.stderr) == []
