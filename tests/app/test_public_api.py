"""The public API (``kunde_cli.__all__``) and the use cases behind it (kunde_cli/app):
the README's Python example runs on the sample shop and prints what the README says;
the use cases return their notes and print nothing; ``import kunde_cli`` stays light."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import kunde_cli
from kunde_cli.errors import DataQualityError

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

SHOP = "ordre_id;dato;kunde_id;email;beløb;status"


def _python_example() -> tuple[str, str]:
    """The README's "From Python" code block and the output it says it prints."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## From Python", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    shown = re.search(r"prints `([^`]*)`", section)
    assert code is not None and shown is not None, "the README's Python section moved"
    return code.group(1), shown.group(1)


def test_the_readme_python_example_is_five_lines() -> None:
    code, _ = _python_example()
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) == 5


def test_the_readme_python_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    code, shown = _python_example()
    (tmp_path / "sample_data").symlink_to(ROOT / "sample_data")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == shown
    assert done.stderr == ""  # the use cases print nothing, not even notes
    assert (tmp_path / "kunde-data").is_dir()


def test_every_public_name_resolves() -> None:
    for name in kunde_cli.__all__:
        assert getattr(kunde_cli, name) is not None
    with pytest.raises(AttributeError):
        kunde_cli.no_such_name  # noqa: B018


def test_importing_kunde_cli_imports_no_heavy_library() -> None:
    """``kunde --help`` starts fast: the public names are imported on first use."""
    code = (
        "import sys, kunde_cli; "
        "print(sorted(m for m in ('polars', 'kunde_cli.app', 'kunde_cli.store') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def _export(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([SHOP, *rows]) + "\n", encoding="utf-8")
    return path


def test_ingest_files_returns_the_table_and_notes_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three lines, one without a date: 3 read, 2 stored, 1 refused; the second run
    of the same bytes is skipped with a note, and the table says 0 stored."""
    export = _export(
        tmp_path / "ordrer.csv",
        [
            "1;10-03-2024;K1;anna@example.dk;500,00;Betalt",
            "2;11-03-2024;K2;bo@example.dk;300,00;Betalt",
            "3;;K3;cai@example.dk;200,00;Betalt",
        ],
    )
    ws = tmp_path / "ws"
    first = kunde_cli.ingest_files([export], ws, lang="en")
    row = first.table.row(0, named=True)
    assert (row["kind"], row["rows_read"], row["accepted"], row["rejected"]) == (
        "orders",
        3,
        2,
        1,
    )
    assert first.refused == 1
    assert first.rejects_path == ws / "rejects.csv"
    assert [o.overview.purchases for o in first.overviews] == [2]
    assert [o.overview.revenue for o in first.overviews] == [800.0]
    again = kunde_cli.ingest_files([export], ws, lang="en")
    assert any("already ingested" in str(n) for n in again.notes)
    assert again.table.get_column("accepted").to_list() == [0]
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_ingest_files_strict_writes_nothing(tmp_path: Path) -> None:
    export = _export(tmp_path / "ordrer.csv", ["1;;K1;anna@example.dk;500,00;Betalt"])
    ws = tmp_path / "ws"
    with pytest.raises(DataQualityError, match="1 row"):
        kunde_cli.ingest_files([export], ws, strict=True)
    assert not (ws / "manifest.json").exists()


def test_the_reports_revenue_is_the_shops_guests_included(tmp_path: Path) -> None:
    """A guest's order (no id, e-mail or phone) counts in the shop's orders and revenue —
    the key figures, the counted line and the trend's months say the same 1,020 kr. —
    and in no customer's."""
    export = _export(
        tmp_path / "ordrer.csv",
        [
            "1;10-03-2024;K1;anna@example.dk;500,00;Betalt",
            "2;11-03-2024;;;70,00;Betalt",
            "3;05-04-2024;K2;bo@example.dk;450,00;Betalt",
        ],
    )
    report = kunde_cli.build_report(kunde_cli.load([export]), fit_model=False)
    assert (report.key.customers, report.key.orders) == (2, 3)
    assert report.key.revenue == pytest.approx(1020.0)
    assert report.trend is not None
    assert float(report.trend.get_column("revenue").sum()) == pytest.approx(1020.0)


def test_load_and_build_report_agree_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """K1 buys twice (500 + 150), K2 once (300): 2 customers, 3 orders, 950 kr., and
    half of the customers bought again."""
    export = _export(
        tmp_path / "ordrer.csv",
        [
            "1;10-03-2024;K1;anna@example.dk;500,00;Betalt",
            "2;11-03-2024;K2;bo@example.dk;300,00;Betalt",
            "3;05-04-2024;K1;anna@example.dk;150,00;Betalt",
        ],
    )
    ws = tmp_path / "ws"
    kunde_cli.ingest_files([export], ws)
    loaded = kunde_cli.load(workspace=ws)
    assert str(loaded.as_of) == "2024-04-05"
    assert loaded.counted is not None
    assert (loaded.counted.purchases, loaded.counted.customers) == (3, 2)
    assert loaded.counted.revenue == pytest.approx(950.0)
    report = kunde_cli.build_report(loaded, fit_model=False)
    assert (report.key.customers, report.key.orders) == (2, 3)
    assert report.key.revenue == pytest.approx(950.0)
    assert report.key.repurchase_rate == pytest.approx(0.5)
    assert report.as_of == loaded.as_of and report.lang == "da"
    # The same files read directly give the same answer.
    direct = kunde_cli.build_report(kunde_cli.load([export]), fit_model=False)
    assert (direct.key.customers, direct.key.orders) == (2, 3)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_load_returns_its_notes_in_order(tmp_path: Path) -> None:
    """A refused row read directly is a note, not a print."""
    export = _export(
        tmp_path / "ordrer.csv",
        ["1;10-03-2024;K1;anna@example.dk;500,00;Betalt", "2;;K2;bo@example.dk;1,00;Betalt"],
    )
    heard: list[str] = []
    from kunde_cli.app.notes import Notes

    # As of the order's day: no warning that the data is old (kunde.toml's stale_after_days).
    loaded = kunde_cli.load(
        [export], as_of=date(2024, 3, 10), notes=Notes(lambda n: heard.append(n.text))
    )
    assert [n.text for n in loaded.notes] == heard
    assert heard == [
        f"{export}: 1 rækker kunne ikke bruges (kør `kunde inspect {export}` for at se hvorfor)"
    ]
    assert [n.key for n in loaded.notes] == ["loading_unusable_rows"]
    english = kunde_cli.load([export], lang="en", as_of=date(2024, 3, 10))
    assert [n.text for n in english.notes] == [
        f"{export}: 1 rows could not be used (run `kunde inspect {export}` to see why)"
    ]
