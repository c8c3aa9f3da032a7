"""Every file a command writes from a workspace is in its record of outputs.

``kunde forget`` names "the earlier reports and lists ... that still hold the person"
from ``written.jsonl`` (issue 14). Call-back lists (``nps --list detractors -o``),
reactivation lists (``churn --list -o``) and per-customer tables (``segment --by
customer -o``) hold people as much as a report does, so every ``-o`` from a workspace
is recorded, once, under its command; stdout and exports read directly are not, and a
record that cannot be kept never fails the command.
"""

from __future__ import annotations

import json
from pathlib import Path

from kunde_cli.store.written import WRITTEN
from tests.reliability.conftest import kunde, no_traceback

ORDERS = [
    "Ordrenr;Kundenr;E-mail;Ordredato;Beløb;Status",
    "1;K1;anna@example.dk;05-01-2024;100,00;Betalt",
    "2;K1;anna@example.dk;05-02-2024;150,00;Betalt",
    "3;K2;bo@example.dk;10-01-2024;200,00;Betalt",
    "4;K3;carl@example.dk;12-01-2023;80,00;Betalt",
]
SURVEY = [
    "Tidsstempel,E-mailadresse,Hvor sandsynligt er det at du vil anbefale os?,Kommentar",
    "15/03/2024 10:15:07,anna@example.dk,10,Super",
    "16/03/2024 11:00:00,bo@example.dk,3,Langsom levering",
]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(ws: Path) -> list[tuple[str, str]]:
    path = ws / WRITTEN
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(e["command"], e["path"]) for e in map(json.loads, lines)]


def shop(tmp_path: Path) -> tuple[Path, Path]:
    ws = tmp_path / "ws"
    orders = write(tmp_path / "ordrer.csv", ORDERS)
    survey = write(tmp_path / "svar.csv", SURVEY)
    assert kunde("ingest", orders, survey, "-w", ws).exit_code == 0
    return ws, orders


def test_every_list_written_from_the_workspace_is_recorded_once(tmp_path: Path) -> None:
    ws, _ = shop(tmp_path)
    out = tmp_path / "ud"
    out.mkdir()
    runs = [
        ("nps", ["--list", "detractors"], out / "kritikere.csv"),
        ("churn", ["--list", "--as-of", "2024-06-30"], out / "genaktiver.csv"),
        ("segment", ["--by", "customer", "--as-of", "2024-06-30"], out / "segmenter.xlsx"),
    ]
    for command, options, path in runs:
        result = kunde(command, *options, "-w", ws, "-o", path)
        no_traceback(result.stdout, result.stderr)
        assert result.exit_code == 0, (command, result.stderr)
        assert path.is_file()
    report = kunde("report", "-w", ws, "--as-of", "2024-06-30", "--output-dir", out)
    assert report.exit_code == 0, report.stderr
    calls = out / "ring.csv"
    export = kunde(
        "export", "-w", ws, "--as-of", "2024-03-20", "-o", out / "liste.csv", "--calls", calls
    )
    assert export.exit_code == 0, export.stderr
    assert "bo@example.dk" in calls.read_text(encoding="utf-8")
    assert records(ws) == [
        ("nps", str(out / "kritikere.csv")),
        ("churn", str(out / "genaktiver.csv")),
        ("segment", str(out / "segmenter.xlsx")),
        ("report", str(out / "kunde-rapport-2024-06-30.html")),
        ("report", str(out / "kunde-rapport-2024-06-30.xlsx")),
        ("export", str(calls)),
        ("export", str(out / "liste.csv")),
    ]


def test_stdout_and_exports_read_directly_are_not_recorded(tmp_path: Path) -> None:
    ws, orders = shop(tmp_path)
    assert kunde("segment", "--by", "customer", "-w", ws, "--format", "csv").exit_code == 0
    # Read directly, after a command that read the workspace in this same process.
    direct = tmp_path / "direkte.csv"
    assert kunde("segment", orders, "--by", "customer", "-o", direct).exit_code == 0
    assert direct.is_file()
    assert records(ws) == []


def test_a_record_that_cannot_be_kept_never_fails_the_list(tmp_path: Path) -> None:
    ws, _ = shop(tmp_path)
    (ws / WRITTEN).mkdir()  # not a file: the record cannot be written
    path = tmp_path / "kritikere.csv"
    result = kunde("nps", "--list", "detractors", "-w", ws, "-o", path)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    assert "bo@example.dk" in path.read_text(encoding="utf-8")
