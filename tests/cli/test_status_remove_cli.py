"""`kunde status` lists what was ingested; `kunde remove FILE` takes one file out again.

Two small Danish exports, counted by hand:

* jan.csv: orders 1 (K1, 10-03-2024, 100), 2 (K2, 11-03-2024, 200), 3 (K1, 12-04-2024,
  50) and a row with a broken date (refused): 4 read, 3 accepted, 1 rejected;
  customers K1, K2.
* maj.csv: order 3 again, unchanged (a duplicate), 5 (K4, 01-05-2024, 300), 6 (K2,
  02-05-2024, 80) and a broken row: 4 read, 2 accepted, 1 duplicate, 1 rejected;
  customers K4, K2 (order 3 is stored from jan.csv).
* CHANGED: order 2 again at 150 kr. (same customer and day: a changed order).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kunde_cli.cli.main import app

runner = CliRunner()
HEADER = "Ordrenr;Kundenr;E-mail;Ordredato;Beløb;Status"
JAN = [
    "1;K1;a@x.dk;10-03-2024;100,00 kr.;Gennemført",
    "2;K2;b@x.dk;11-03-2024;200,00 kr.;Gennemført",
    "3;K1;a@x.dk;12-04-2024;50,00 kr.;Gennemført",
    "4;K3;c@x.dk;ikke-en-dato;70,00 kr.;Gennemført",
]
MAJ = [
    "3;K1;a@x.dk;12-04-2024;50,00 kr.;Gennemført",
    "5;K4;d@x.dk;01-05-2024;300,00 kr.;Gennemført",
    "6;K2;b@x.dk;02-05-2024;80,00 kr.;Gennemført",
    "7;K5;e@x.dk;xx;10,00 kr.;Gennemført",
]
CHANGED = "2;K2;b@x.dk;11-03-2024;150,00 kr.;Gennemført"


def kunde(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def ingest(ws: Path, *files: Path) -> None:
    for file in files:
        result = kunde("ingest", file, "-w", ws, "--format", "json")
        assert result.exit_code == 0, result.stderr


def status(ws: Path, *more: str) -> list[dict[str, object]]:
    result = kunde("status", "-w", ws, "--format", "json", *more)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def stored_orders(ws: Path) -> dict[str, float]:
    """order id -> amount of the stored lines."""
    from kunde_cli.store import Workspace

    lines = Workspace(ws).scan_orders().collect()
    return dict(zip(lines["order_id"], lines["amount"], strict=True))


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path, Path]:
    jan, maj = write(tmp_path / "jan.csv", JAN), write(tmp_path / "maj.csv", MAJ)
    ws = tmp_path / "ws"
    ingest(ws, jan, maj)
    return ws, jan, maj


def test_status_lists_every_file_with_hand_counted_numbers(two: tuple[Path, Path, Path]) -> None:
    ws, _, _ = two
    jan, maj = status(ws)
    picked = (
        "file", "kind", "source_system", "rows_read", "accepted", "duplicates", "rejected",
        "stored_lines", "first_order_date", "last_order_date", "customers",
    )  # fmt: skip
    assert [jan[k] for k in picked] == [
        "jan.csv", "orders", "shop", 4, 3, 0, 1, 3, "2024-03-10", "2024-04-12", 2,
    ]  # fmt: skip
    assert [maj[k] for k in picked] == [
        "maj.csv", "orders", "shop", 4, 2, 1, 1, 2, "2024-05-01", "2024-05-02", 2,
    ]  # fmt: skip
    assert len(str(jan["ingested_at"])) == 10  # the day, ISO


def test_status_in_both_languages(two: tuple[Path, Path, Path]) -> None:
    ws, _, _ = two
    da = kunde("status", "-w", ws, "--format", "table", "--wide")
    assert da.exit_code == 0, da.stderr
    assert "Indlæst i" in da.stdout and "Kildesystem" in da.stdout and "jan.csv" in da.stdout
    assert "I alt: 5 ordrelinjer fra 10-03-2024 til 02-05-2024, 3 kunder, 0 svar" in da.stderr
    en = kunde("status", "-w", ws, "--format", "table", "--wide", "--lang", "en")
    assert "Ingested into" in en.stdout and "Source system" in en.stdout
    assert "Orders" in en.stdout and "Ordrer" not in en.stdout
    assert "In all: 5 order lines from 2024-03-10 to 2024-05-02, 3 customers" in en.stderr


def test_remove_the_second_file_gives_the_first_ones_numbers(
    two: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    ws, jan, _ = two
    result = kunde("remove", "maj.csv", "-w", ws, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Fjernede maj.csv fra" in result.stdout and "2 ordrelinjer og 1 afviste" in result.stdout
    assert [r["file"] for r in status(ws)] == ["jan.csv"]
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    [removal] = manifest["removals"]
    assert (removal["name"], removal["lines"], removal["rejects"]) == ("maj.csv", 2, 1)
    assert "maj.csv" not in (ws / "rejects.csv").read_text(encoding="utf-8")

    fresh = tmp_path / "fresh"
    ingest(fresh, jan)
    for args in (("--format", "csv"), ("--format", "table", "--wide")):
        after = kunde("segment", "-w", ws, "--as-of", "2024-06-01", *args)
        alone = kunde("segment", "-w", fresh, "--as-of", "2024-06-01", *args)
        assert after.exit_code == alone.exit_code == 0, after.stderr
        assert after.stdout_bytes == alone.stdout_bytes
    # The file can come back.
    ingest(ws, tmp_path / "maj.csv")
    assert [r["file"] for r in status(ws)] == ["jan.csv", "maj.csv"]


def test_remove_by_path_and_in_english(two: tuple[Path, Path, Path]) -> None:
    ws, jan, _ = two
    result = kunde("remove", jan, "-w", ws, "--yes", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "Took jan.csv out of" in result.stdout and "3 order lines and 1 refused rows" in (
        result.stdout
    )
    # maj.csv carried order 3 again: it was stored from jan.csv, so it went too.
    assert "Files ingested later carried lines stored from jan.csv, now gone: maj.csv" in (
        result.stdout
    )
    assert sorted(stored_orders(ws)) == ["5", "6"]


def test_remove_a_file_whose_orders_a_later_export_resent_or_changed(tmp_path: Path) -> None:
    jan = write(tmp_path / "jan.csv", JAN)
    maj = write(tmp_path / "maj.csv", [*MAJ, CHANGED])  # order 3 again, order 2 changed
    ws = tmp_path / "ws"
    ingest(ws, jan, maj)
    assert stored_orders(ws) == {"1": 100.0, "2": 150.0, "3": 50.0, "5": 300.0, "6": 80.0}
    result = kunde("remove", "jan.csv", "-w", ws, "--yes")
    assert result.exit_code == 0, result.stderr
    # Order 2 is maj.csv's version now and stays; 1 and 3 were stored from jan.csv.
    assert stored_orders(ws) == {"2": 150.0, "5": 300.0, "6": 80.0}
    assert "maj.csv" in result.stdout and "kunde remove FIL og kunde ingest FIL" in result.stdout
    # What the message says: remove and ingest the later file again, and its orders are its own.
    assert kunde("remove", "maj.csv", "-w", ws, "--yes").exit_code == 0
    ingest(ws, maj)
    assert stored_orders(ws) == {"2": 150.0, "3": 50.0, "5": 300.0, "6": 80.0}
    [row] = status(ws)
    assert (row["file"], row["stored_lines"], row["customers"]) == ("maj.csv", 4, 3)


def test_removing_the_file_that_changed_an_order_takes_that_order(tmp_path: Path) -> None:
    jan = write(tmp_path / "jan.csv", JAN)
    maj = write(tmp_path / "maj.csv", [*MAJ, CHANGED])
    ws = tmp_path / "ws"
    ingest(ws, jan, maj)
    result = kunde("remove", "maj.csv", "-w", ws, "--yes", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    # jan.csv's version of order 2 was replaced when maj.csv came: it is not kept.
    assert stored_orders(ws) == {"1": 100.0, "3": 50.0}
    assert "maj.csv had changed 1 orders or answers stored before" in result.stdout


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("da", "Fejl: nej.csv er ikke indlæst i {ws}; den har: jan.csv, maj.csv"),
        ("en", "Error: nej.csv was not ingested into {ws}; it holds: jan.csv, maj.csv"),
    ],
)
def test_remove_an_unknown_file_is_one_line(
    two: tuple[Path, Path, Path], lang: str, expected: str
) -> None:
    ws, _, _ = two
    before = (ws / "manifest.json").read_bytes()
    result = kunde("remove", "nej.csv", "-w", ws, "--yes", "--lang", lang)
    assert result.exit_code == 2
    assert result.stderr.strip() == expected.format(ws=ws)
    assert (ws / "manifest.json").read_bytes() == before


def test_remove_asks_first_and_refuses_without_a_terminal(two: tuple[Path, Path, Path]) -> None:
    ws, _, _ = two
    result = kunde("remove", "maj.csv", "-w", ws)
    assert result.exit_code == 2
    assert "skal bekræftes" in result.stderr and "--yes" in result.stderr
    assert len(status(ws)) == 2


def test_same_name_twice_is_told_apart(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a" / "ordrer.csv", JAN[:2])
    second = write(tmp_path / "b" / "ordrer.csv", MAJ[1:3])
    ingest(ws, first, second)
    assert [r["file"] for r in status(ws)] == ["ordrer.csv#1", "ordrer.csv#2"]
    result = kunde("remove", "ordrer.csv", "-w", ws, "--yes")
    assert result.exit_code == 2
    assert "ordrer.csv#1, ordrer.csv#2" in result.stderr
    assert kunde("remove", "ordrer.csv#2", "-w", ws, "--yes").exit_code == 0
    assert sorted(stored_orders(ws)) == ["1", "2"]


def test_a_survey_file_is_listed_and_removed(two: tuple[Path, Path, Path], tmp_path: Path) -> None:
    ws, _, _ = two
    survey = tmp_path / "nps.csv"
    survey.write_text(
        "Tidsstempel,E-mailadresse,"
        '"Hvor sandsynligt er det, at du vil anbefale os til en ven?",Hvorfor?\n'
        "2024/03/04 9:12:45 AM GMT+1,a@x.dk,10,Fin\n"
        "2024/03/06 1:15:09 PM GMT+1,b@x.dk,7,Ok\n",
        encoding="utf-8",
    )
    ingest(ws, survey)
    row = status(ws)[-1]
    assert (row["file"], row["kind"], row["stored_lines"], row["customers"]) == (
        "nps.csv", "survey", 2, None,
    )  # fmt: skip
    result = kunde("remove", "nps.csv", "-w", ws, "--yes", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "2 answers and 0 refused rows" in result.stdout
    assert [r["file"] for r in status(ws)] == ["jan.csv", "maj.csv"]


def test_a_failure_mid_remove_leaves_the_workspace_as_it_was(
    two: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kunde_cli.store import tables

    ws, _, _ = two
    listed = _listed(ws)
    before = {name: (ws / name).read_bytes() for name in [*listed, "manifest.json"]}
    segment = kunde("segment", "-w", ws, "--as-of", "2024-06-01", "--format", "csv").stdout

    def broken(*args: object) -> None:
        raise OSError("killed while building the tables")

    monkeypatch.setattr(tables, "refresh", broken)
    result = kunde("remove", "maj.csv", "-w", ws, "--yes")
    assert result.exit_code != 0
    monkeypatch.undo()
    # The manifest and every file it lists are as they were; the workspace reads the same.
    assert {name: (ws / name).read_bytes() for name in before} == before
    assert [r["file"] for r in status(ws)] == ["jan.csv", "maj.csv"]
    again = kunde("segment", "-w", ws, "--as-of", "2024-06-01", "--format", "csv")
    assert again.stdout == segment
    # And the next remove works (and tidies what the failed one left).
    assert kunde("remove", "maj.csv", "-w", ws, "--yes").exit_code == 0
    assert [r["file"] for r in status(ws)] == ["jan.csv"]


def _listed(ws: Path) -> list[str]:
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    files = [e["file"] for kind in ("orders", "survey", "rejects") for e in manifest[kind]]
    tables = manifest.get("tables") or {}
    files += [tables[k] for k in ("orders", "customers") if k in tables]
    return files + ([manifest["identity"]] if manifest.get("identity") else [])


def test_customers_a_removed_file_linked_are_apart_again(tmp_path: Path) -> None:
    """link.csv has an order of K2 under K1's e-mail, so kunde counts K1 and K2 as one
    customer; once link.csv is removed, they are two again and every analysis reads as
    if it had never been ingested."""
    jan = write(tmp_path / "jan.csv", JAN)
    link = write(
        tmp_path / "link.csv",
        [
            "8;K2;a@x.dk;03-06-2024;40,00 kr.;Gennemført",
            "9;K8;z@x.dk;04-06-2024;60,00 kr.;Gennemført",
        ],
    )
    ws, fresh = tmp_path / "ws", tmp_path / "fresh"
    ingest(ws, jan, link)
    ingest(fresh, jan)
    assert [r["customers"] for r in status(ws)] == [1, 2]  # K1 (with K2); K1, K8
    assert kunde("remove", "link.csv", "-w", ws, "--yes").exit_code == 0
    for command in ("segment", "ladder", "churn", "retention", "clv"):
        args = (command, "--as-of", "2024-07-01", "--format", "csv")
        after, alone = kunde(*args, "-w", ws), kunde(*args, "-w", fresh)
        assert after.exit_code == alone.exit_code == 0, (command, after.stderr)
        assert after.stdout_bytes == alone.stdout_bytes, command
    explain = kunde("explain", "K1", "-w", ws, "--as-of", "2024-07-01", "--lang", "en")
    assert explain.stdout == kunde("explain", "K1", "-w", fresh, "--as-of", "2024-07-01",
                                   "--lang", "en").stdout  # fmt: skip


def test_removing_every_file_leaves_an_empty_workspace(two: tuple[Path, Path, Path]) -> None:
    ws, jan, maj = two
    for name in ("jan.csv", "maj.csv"):
        assert kunde("remove", name, "-w", ws, "--yes").exit_code == 0
    assert status(ws) == []
    result = kunde("status", "-w", ws, "--lang", "en")
    assert "Nothing has been ingested into" in result.stderr
    assert "Removed earlier with kunde remove: 2 files" in result.stderr
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["orders"], manifest["rejects"], manifest["identity"]) == ([], [], None)
    ingest(ws, maj, jan)
    assert [r["file"] for r in status(ws)] == ["maj.csv", "jan.csv"]


def test_status_without_a_workspace_is_one_line(tmp_path: Path) -> None:
    result = kunde("status", "-w", tmp_path / "nothing", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no workspace at")


def test_orders_refused_for_the_removed_files_numbers_are_named(tmp_path: Path) -> None:
    """kol.csv's order 1 is another customer on another day: a collision with jan.csv's
    order 1, refused. Once jan.csv is out, the message names kol.csv; removed and
    ingested again, its order 1 is stored."""
    jan = write(tmp_path / "jan.csv", JAN)
    kol = write(tmp_path / "kol.csv", ["1;K7;g@x.dk;20-06-2024;77,00 kr.;Gennemført"])
    ws = tmp_path / "ws"
    ingest(ws, jan, kol)
    assert [(r["accepted"], r["rejected"]) for r in status(ws)] == [(3, 1), (0, 1)]
    result = kunde("remove", "jan.csv", "-w", ws, "--yes", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "had orders refused because jan.csv used their numbers: kol.csv" in result.stdout
    assert stored_orders(ws) == {}
    assert kunde("remove", "kol.csv", "-w", ws, "--yes").exit_code == 0
    ingest(ws, kol)
    assert stored_orders(ws) == {"1": 77.0}


def test_a_csv_for_danish_excel_words_the_kind_and_plain_csv_keeps_the_code(
    two: tuple[Path, Path, Path],
) -> None:
    ws, _, _ = two
    da = kunde("status", "-w", ws, "--format", "csv", "--csv-style", "da")
    assert da.exit_code == 0, da.stderr
    assert da.stdout.splitlines()[1].startswith("jan.csv;Ordrer;shop;")
    plain = kunde("status", "-w", ws, "--format", "csv")
    assert plain.stdout.splitlines()[1].startswith("jan.csv,orders,shop,")
