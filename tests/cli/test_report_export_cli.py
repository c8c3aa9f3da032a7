"""`kunde report` and `kunde export` through the CLI, on a small Danish export and survey.

The shop (as-of 15-06-2024, the latest order):

* K1 Anna — six orders, the last on 10-06-2024; answered 10 → ambassador.
* K2 ``<script>`` — five orders every two months until 01-02-2024 → returning,
  inactive; answered 3 on 10-06-2024 (a recent detractor).
* K3 Bo — three orders in 2023, no e-mail, no consent → returning.
* K4 Carla — two orders, no consent; answered 6 on 12-06-2024 (recent detractor).
* K5 ``+Dorte`` — one order 14-06-2024 → first-time.
* K6 Erik — one order 01-12-2023 → first-time; answered 9.
* K7 ``@Frida`` — her only order was refunded → potential.
* K8 ``-Gitte`` — two orders in 2024, the last on 15-06-2024 → returning.
* K9 Hans — four orders in 2023 → returning (inactive); answered 2 on 01-02-2024.
* K10 Ida — one order 05-05-2024, no consent → first-time.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.export import resolve_salt, salt_path
from kunde_cli.cli.main import app
from kunde_cli.render.i18n import label
from kunde_cli.words import actions

HEADER = (
    "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Telefon;Vare;Kategori;Antal;"
    "Beløb;Postnummer;By;Land;Status;Kanal;Nyhedsbrev"
)
_ORDERS = [
    # (customer, name, e-mail, phone, dates, amount, status, product, consent)
    (
        "K1",
        "Anna Hansen",
        "anna@example.dk",
        "20 30 40 50",
        ["01-01-2024", "01-02-2024", "01-03-2024", "01-04-2024", "01-05-2024", "10-06-2024"],
        "200,00",
        "Betalt",
        "Kaffe",
        "Ja",
    ),
    (
        "K2",
        "<script>alert(1)</script>",
        "xss@example.dk",
        "",
        ["05-07-2023", "05-09-2023", "05-11-2023", "05-01-2024", "01-02-2024"],
        "400,00",
        "Betalt",
        "=1+2 kaffe",
        "Ja",
    ),
    (
        "K3",
        "Bo Jensen",
        "",
        "21 31 41 51",
        ["02-02-2023", "02-04-2023", "02-06-2023"],
        "150,00",
        "Betalt",
        "Te",
        "Nej",
    ),
    (
        "K4",
        "Carla Nielsen",
        "carla@example.dk",
        "",
        ["01-10-2023", "15-01-2024"],
        "100,00",
        "Betalt",
        "Te",
        "Nej",
    ),
    (
        "K5",
        "+Dorte Madsen",
        "dorte@example.dk",
        "",
        ["14-06-2024"],
        "75,00",
        "Betalt",
        "Kaffe",
        "Ja",
    ),
    (
        "K6",
        "Erik Olsen",
        "erik@example.dk",
        "",
        ["01-12-2023"],
        "1.300,50",
        "Betalt",
        "Kværn",
        "Ja",
    ),
    (
        "K7",
        "@Frida Berg",
        "frida@example.dk",
        "",
        ["03-03-2024"],
        "120,00",
        "Refunderet",
        "Kop",
        "Ja",
    ),
    (
        "K8",
        "-Gitte Lund",
        "gitte@example.dk",
        "",
        ["01-02-2024", "15-06-2024"],
        "70,00",
        "Betalt",
        "Te",
        "Ja",
    ),
    (
        "K9",
        "Hans Holm",
        "hans@example.dk",
        "",
        ["01-03-2023", "01-04-2023", "01-05-2023", "01-06-2023"],
        "100,00",
        "Betalt",
        "Kaffe",
        "Ja",
    ),
    ("K10", "Ida Krog", "ida@example.dk", "", ["05-05-2024"], "50,00", "Betalt", "Te", "Nej"),
]


def _orders_csv() -> str:
    lines, number = [HEADER], 1000
    for cid, name, email, phone, dates, amount, status, product, consent in _ORDERS:
        for day in dates:
            number += 1
            lines.append(
                f"{number};1;{day};{cid};{name};{email};{phone};{product};Drikke;1;{amount};"
                f"8000;Århus;Danmark;{status};Webshop;{consent}"
            )
    return "\n".join(lines) + "\n"


SURVEY_CSV = (
    "Kundenummer;Navn;E-mail;Dato;Anbefaling (0-10);Kommentar\n"
    ";;anna@example.dk;01-06-2024;10;Altid <b>god</b> service\n"
    ";;xss@example.dk;10-06-2024;3;Alt for langsom levering\n"
    ";;hans@example.dk;01-02-2024;2;Dårlig levering\n"
    ";;erik@example.dk;05-06-2024;9;Hurtig levering\n"
    ";;carla@example.dk;12-06-2024;6;For dyrt\n"
    ";;ukendt@example.dk;01-05-2024;8;\n"
)

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def shop(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    # Keep the per-user salt file (and anything else under ~/.config) inside tmp_path.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("KUNDE_SALT", raising=False)
    monkeypatch.chdir(tmp_path)
    orders = tmp_path / "ordrer.csv"
    orders.write_text(_orders_csv(), encoding="utf-8")
    survey = tmp_path / "svar.csv"
    survey.write_text(SURVEY_CSV, encoding="utf-8")
    return orders, survey


# --- kunde report ----------------------------------------------------------------------------


def test_report_writes_two_dated_files_and_prints_only_their_paths(shop, tmp_path):
    orders, survey = shop
    out = tmp_path / "rapporter"
    result = run("report", str(orders), str(survey), "--output-dir", str(out))
    assert result.exit_code == 0, result.stderr
    html, xlsx = out / "kunde-rapport-2024-06-15.html", out / "kunde-rapport-2024-06-15.xlsx"
    assert result.stdout == f"{html}\n{xlsx}\n"
    assert html.is_file() and xlsx.is_file()
    assert sorted(p.name for p in out.iterdir()) == [html.name, xlsx.name]  # no temp files
    assert "Rapport for 9 kunder pr. 15-06-2024." in result.stderr
    page = html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    assert "Altid &lt;b&gt;god&lt;/b&gt; service" in page


def test_report_quiet_prints_nothing_on_stderr(shop, tmp_path):
    orders, _ = shop
    # As of 5 days after the newest order (15-06-2024): no warning that the data is old.
    result = run(
        "report", str(orders), "-o", str(tmp_path / "r"), "--quiet", "--as-of", "2024-06-20"
    )
    assert result.exit_code == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 2


def test_report_replaces_files_of_the_same_day(shop, tmp_path):
    orders, _ = shop
    out = tmp_path / "r"
    first = run("report", str(orders), "--output-dir", str(out), "-q")
    html = Path(first.stdout.splitlines()[0])
    html.write_text("old", encoding="utf-8")
    second = run("report", str(orders), "--output-dir", str(out), "-q")
    assert second.stdout == first.stdout
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_report_english_and_compare(shop, tmp_path):
    orders, survey = shop
    out = tmp_path / "r"
    result = run(
        "report",
        str(orders),
        str(survey),
        "-d",
        str(out),
        "--lang",
        "en",
        "--compare",
        "2024-01-01",
    )
    assert result.exit_code == 0
    page = Path(result.stdout.splitlines()[0]).read_text(encoding="utf-8")
    assert "Customer report" in page and "Since 2024-01-01" in page


def test_report_compare_after_as_of_is_a_usage_error(shop, tmp_path):
    orders, _ = shop
    result = runner.invoke(
        app, ["report", str(orders), "-d", str(tmp_path), "--compare", "2025-01-01"]
    )
    assert result.exit_code == 2
    assert "Fejl: --compare 2025-01-01 skal ligge før opgørelsesdatoen 2024-06-15" in result.stderr
    assert result.stdout == ""
    assert not list(tmp_path.glob("kunde-rapport-*"))


def test_report_without_data_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "--workspace", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: ingen arbejdsmappe i")
    args = ["report", "--workspace", str(tmp_path / "none"), "--lang", "en"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no workspace at")


def _sheet(book: openpyxl.Workbook, name: str) -> list[dict]:
    rows = list(book[name].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def _json(*args: str) -> list[dict]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _same(sheet_rows: list[dict], json_rows: list[dict], keys: dict[str, str]) -> None:
    """Every JSON row equals its sheet row: label-valued key columns, numbers to 1e-9."""
    assert len(sheet_rows) == len(json_rows)
    for got, want in zip(sheet_rows, json_rows, strict=True):
        for column, value in want.items():
            header = label(column, "da")
            cell = got[header]
            if column in keys:
                assert cell == label(f"{keys[column]}{value}", "da"), (column, cell, value)
            elif isinstance(value, float):
                assert cell == pytest.approx(value, rel=1e-9, abs=1e-9), (column, cell, value)
            elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                assert cell.date().isoformat() == value, column
            else:
                assert cell == value, (column, cell, value)


def test_workbook_numbers_equal_the_commands_json(shop, tmp_path):
    orders, survey = shop
    files = (str(orders), str(survey))
    result = run("report", *files, "-d", str(tmp_path / "r"), "-q")
    book = openpyxl.load_workbook(result.stdout.splitlines()[1])
    _same(_sheet(book, "Segmenter"), _json("segment", *files), {"segment": ""})
    _same(_sheet(book, "Stigen"), _json("ladder", *files), {"rung": ""})
    _same(
        _sheet(book, "Stigen bevægelser"),
        _json("ladder", *files, "--compare", "2024-03-17"),
        {"from_rung": "", "to_rung": "", "movement": "move_"},
    )
    _same(_sheet(book, "Fastholdelse"), _json("retention", *files), {})
    _same(_sheet(book, "Kohorter"), _json("retention", *files, "--cohorts"), {})
    _same(_sheet(book, "Aktivitet"), _json("churn", *files), {"tier": "tier_"})
    _same(_sheet(book, "Profiler"), _json("profiles", *files), {"segment": ""})
    # The NPS sheets: the summary (with the day answers count up to) and the months
    # are `kunde nps`'s; with few answers a month the chart's quarters get a sheet too.
    _same(_sheet(book, "NPS"), _json("nps", *files), {"as_of_rule": "as_of_rule_"})
    _same(_sheet(book, "NPS pr. måned"), _json("nps", *files, "--period", "month"), {})
    _same(_sheet(book, "NPS pr. kvartal"), _json("nps", *files, "--period", "quarter"), {})
    # Model columns are absent here (ten customers cannot carry a fit), so the value
    # sheet is exactly `kunde clv --by segment`.
    _same(_sheet(book, "Kundeværdi"), _json("clv", *files, "--by", "segment"), {"segment": ""})


def test_report_anonymised_has_no_personal_data_and_stable_pseudonyms(shop, tmp_path):
    orders, survey = shop
    env = {"KUNDE_SALT": "hemmelig-og-lang-nok"}
    first = run(
        "report", str(orders), str(survey), "-d", str(tmp_path / "a"), "--anonymise", "-q", env=env
    )
    second = run(
        "report", str(orders), str(survey), "-d", str(tmp_path / "b"), "--anonymise", "-q", env=env
    )
    html_a, xlsx_a = (Path(p) for p in first.stdout.splitlines())
    _, xlsx_b = (Path(p) for p in second.stdout.splitlines())
    page = html_a.read_text(encoding="utf-8")
    cells = [
        str(c)
        for ws in openpyxl.load_workbook(xlsx_a).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    personal = [
        "Anna Hansen",
        "anna@example.dk",
        "20 30 40 50",
        "+4520304050",
        "Hans Holm",
        "K2",
        "langsom",
        "<script>",
    ]
    for text in personal:
        assert text not in page, text
        assert not any(text in c for c in cells), text
    customers_a = _sheet(openpyxl.load_workbook(xlsx_a), "Kunder")
    customers_b = _sheet(openpyxl.load_workbook(xlsx_b), "Kunder")
    names = [r["Navn"] for r in customers_a]
    assert all(n.startswith("Kunde ") and len(n) == len("Kunde ") + 12 for n in names)
    assert names == [r["Navn"] for r in customers_b]  # same salt, same pseudonyms
    # The pseudonyms in the HTML's reactivation list are those of the workbook.
    candidates = _sheet(openpyxl.load_workbook(xlsx_a), "Genaktivering")
    assert candidates and all(r["Navn"] in page for r in candidates)


def test_salt_is_created_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("KUNDE_SALT", raising=False)
    first = resolve_salt()
    assert len(first) == 64
    assert salt_path() == tmp_path / "kunde" / "salt"
    assert (salt_path().stat().st_mode & 0o777) == 0o600
    assert resolve_salt() == first
    assert resolve_salt("given-and-long-enough") == "given-and-long-enough"
    monkeypatch.setenv("KUNDE_SALT", "from-env-long-enough")
    assert resolve_salt() == "from-env-long-enough"


# --- kunde export ---------------------------------------------------------------------------


def _csv(result) -> pl.DataFrame:
    assert result.exit_code == 0, result.stderr
    return pl.read_csv(io.BytesIO(result.stdout_bytes), infer_schema=False)


def test_export_first_time_buyers(shop):
    orders, survey = shop
    # First-time: K5, K6, K10; K10 has no consent.
    out = _csv(run("export", str(orders), str(survey), "--rung", "first-time"))
    assert out.columns == [
        "email",
        "name",
        "segment",
        "rung",
        "tier",
        "last_order",
        "value",
        "action",
    ]
    assert sorted(out["email"].to_list()) == ["dorte@example.dk", "erik@example.dk"]
    result = run("export", str(orders), str(survey), "--rung", "first-time")
    assert "2 af 3 udvalgte kunder kommer på listen." in result.stderr
    assert "1 uden samtykke til markedsføring er udeladt" in result.stderr
    # CSV neutralises the formula-like name.
    assert "'+Dorte Madsen" in out["name"].to_list()


def test_export_ignore_consent(shop):
    orders, survey = shop
    out = _csv(run("export", str(orders), str(survey), "--rung", "first-time", "--ignore-consent"))
    assert sorted(out["email"].to_list()) == [
        "dorte@example.dk",
        "erik@example.dk",
        "ida@example.dk",
    ]


def test_export_returning_counts_missing_email_and_moves_recent_detractors(shop, tmp_path):
    orders, survey = shop
    calls = tmp_path / "ring.csv"
    result = run("export", str(orders), str(survey), "--rung", "returning", "--calls", str(calls))
    # Returning: K2, K3, K4, K8, K9. K2 and K4 answered 0–6 within 30 days → calls;
    # K3 has no e-mail; K8 and K9 are mailed.
    out = _csv(result)
    assert sorted(out["email"].to_list()) == ["gitte@example.dk", "hans@example.dk"]
    assert "2 af 5 udvalgte kunder kommer på listen." in result.stderr
    assert "1 uden e-mailadresse er udeladt." in result.stderr
    assert "2 kritikere har svaret inden for 30 dage" in result.stderr
    called = pl.read_csv(calls, infer_schema=False)
    assert sorted(called["email"].to_list()) == ["carla@example.dk", "xss@example.dk"]
    assert called.columns[:5] == ["name", "phone", "email", "latest_score", "last_answer"]


def test_export_detractors(shop):
    orders, survey = shop
    # Latest answer 0–6: K2 (3), K4 (6), K9 (2); K2 and K4 answered recently.
    out = _csv(run("export", str(orders), str(survey), "--nps", "detractors"))
    assert out["email"].to_list() == ["hans@example.dk"]


def test_export_segments_with_dashes_and_apostrophes(shop):
    orders, survey = shop
    files = (str(orders), str(survey))
    per_customer = _json("segment", *files, "--by", "customer")
    wanted = {r["customer_id"] for r in per_customer if r["segment"] in ("at_risk", "cant_lose")}
    assert wanted  # the shop has customers in these segments
    overview = _csv(run("export", *files, "--segment", "at-risk,can't-lose", "--ignore-consent"))
    # Every exported row is in one of the two segments …
    assert set(overview["segment"].to_list()) <= {"at_risk", "cant_lose"}
    # … and the same as with the snake_case names.
    same = _csv(run("export", *files, "--segment", "at_risk,CANT_LOSE", "--ignore-consent"))
    assert overview.equals(same)


def test_export_unknown_segment_is_a_usage_error(shop):
    orders, _ = shop
    result = runner.invoke(app, ["export", str(orders), "--segment", "vip", "--lang", "en"])
    assert result.exit_code == 2
    assert "Error: --segment: unknown value 'vip'" in result.stderr
    assert "at-risk" in result.stderr
    result = runner.invoke(app, ["export", str(orders), "--segment", "vip"])
    assert result.exit_code == 2
    assert "Fejl: --segment: ukendt værdi 'vip'" in result.stderr
    assert "Tip: vælg blandt champion, loyal" in result.stderr


@pytest.mark.parametrize(
    ("shape", "columns"),
    [
        ("mailchimp", ["Email Address", "First Name", "Last Name", "Tags"]),
        ("klaviyo", ["Email", "First Name", "Last Name", "kunde_segment"]),
    ],
)
def test_export_shapes(shop, shape, columns):
    orders, survey = shop
    out = _csv(run("export", str(orders), str(survey), "--rung", "first-time", "--shape", shape))
    assert out.columns[:4] == columns
    first = out.filter(pl.col(columns[0]) == "erik@example.dk")
    assert first[columns[1]].to_list() == ["Erik"]
    assert first[columns[2]].to_list() == ["Olsen"]


def test_export_hash_emails(shop):
    orders, survey = shop
    env = {"KUNDE_SALT": "hemmelig-og-lang-nok"}
    a = _csv(
        run("export", str(orders), str(survey), "--rung", "first-time", "--hash-emails", env=env)
    )
    b = _csv(
        run("export", str(orders), str(survey), "--rung", "first-time", "--hash-emails", env=env)
    )
    assert a.equals(b)
    assert not any("@" in e for e in a["email"].to_list())
    assert all(re.fullmatch(r"[0-9a-f]{16}", e) for e in a["email"].to_list())
    assert all(n.startswith("Kunde ") for n in a["name"].to_list())
    other = _csv(
        run(
            "export",
            str(orders),
            str(survey),
            "--rung",
            "first-time",
            "--hash-emails",
            env={"KUNDE_SALT": "andet-og-lang-nok"},
        )
    )
    assert set(other["email"]).isdisjoint(set(a["email"]))


def test_export_xlsx(shop, tmp_path):
    orders, survey = shop
    target = tmp_path / "liste.xlsx"
    result = run("export", str(orders), str(survey), "--rung", "first-time", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    ws = openpyxl.load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("E-mail", "Navn")
    names = {r[1] for r in rows[1:]}
    assert "+Dorte Madsen" in names  # xlsx keeps the exact text, as a string cell


def test_export_words_the_action_in_the_run_language(shop):
    orders, survey = shop
    files = (str(orders), str(survey), "--rung", "first-time")
    da = run("export", *files)
    en = run("export", *files, "--lang", "en")
    da_rows = {r["email"]: r for r in _csv(da).iter_rows(named=True)}
    en_rows = {r["email"]: r for r in _csv(en).iter_rows(named=True)}
    assert set(da_rows) == set(en_rows)
    for email, row in da_rows.items():
        # Segment, rung and tier stay keys in both languages; the advice is worded.
        assert row["segment"] == en_rows[email]["segment"]
        assert row["action"] != en_rows[email]["action"]
        assert row["action"] == actions.segment_action(row["segment"], "da")
        assert en_rows[email]["action"] == actions.segment_action(row["segment"], "en")
    assert "kommer på listen" in da.stderr and "are on the list" in en.stderr
    assert "kommer på listen" not in en.stderr
