"""Customers' personal data: a private workspace, erasure on request (GDPR art. 17),
and lists and reports that can be shared without it.

"Does not appear anywhere" is checked the hard way: every string value of every
Parquet file (read with Polars) and the bytes of every other file in the workspace.
"""

from __future__ import annotations

import html
import os
import re
import stat
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kunde_cli import schema as s
from kunde_cli.analytics.nps import nps_summary
from kunde_cli.store import Workspace
from reliability.conftest import kunde, kunde_process, no_traceback, snapshot

ORDERS = """\
Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Telefon;Beløb;Postnummer;By;Status;Nyhedsbrev
1001;1;25-03-2024 14:22;K1;Søren Ærø;Soren@Example.dk;+45 12 34 56 78;1.234,50;5970;Ærøskøbing;Betalt;Ja
1001;2;25-03-2024 14:22;K1;Søren Ærø;Soren@Example.dk;+45 12 34 56 78;29,95;5970;Ærøskøbing;Betalt;Ja
1002;1;26-03-2024 09:10;K2;Åse Øberg;ase@example.dk;22334455;299,00;5000;Odense;Betalt;Ja
1003;1;27-04-2024 18:00;K1;Søren Ærø; soren@example.dk ;12345678;450,00;5970;Ærøskøbing;Betalt;Ja
1004;1;28-04-2024 11:45;K3;Bo Ærenlund;bo@example.dk;40506070;396,00;8000;Aarhus;Betalt;Ja
1005;1;29-04-2024 10:00;K2;Åse Øberg;ase@example.dk;22334455;ukendt;5000;Odense;Betalt;Ja
1006;1;30-04-2024 10:00;K1;Søren Ærø;soren@example.dk;12345678;45,00;5970;Ærøskøbing;Betalt;Ja;soren@example.dk
"""
SURVEY = """\
Dato;E-mail;Kundenummer;Navn;Anbefaling (0-10);Kommentar
02-05-2024;soren@example.dk;K1;Søren Ærø;10;Søren her: altid god kaffe
03-05-2024;ase@example.dk;K2;Åse Øberg;6;For dyr fragt
04-05-2024;bo@example.dk;K3;Bo Ærenlund;9;Fint
"""
#: Everything that identifies Søren (K1): as written and as kunde normalises it.
SOREN = ("soren@example.dk", "Søren Ærø", "12345678", "Ærøskøbing", "Søren her")
ASE = ("ase@example.dk", "Åse Øberg", "22334455")


def exports(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    orders, survey = folder / "ordrer.csv", folder / "nps_svar.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    survey.write_text(SURVEY, encoding="utf-8")
    return orders, survey


@pytest.fixture
def workspace(tmp_path) -> Path:
    orders, survey = exports(tmp_path / "exports")
    ws = tmp_path / "kunde-data"
    result = kunde("ingest", orders, survey, "--workspace", ws, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return ws


def workspace_text(ws: Path) -> str:
    """Every string in the workspace, lower-cased: Parquet values and other files' text."""
    parts: list[str] = []
    for path in sorted(ws.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for name, dtype in frame.schema.items():
                if dtype == pl.String:
                    parts += frame[name].drop_nulls().to_list()
        else:
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts).lower()


def mentions(text: str, needles: tuple[str, ...]) -> list[str]:
    return [n for n in needles if n.lower() in text or html.escape(n).lower() in text]


# --- a private workspace --------------------------------------------------------------


def modes(ws: Path) -> dict[str, int]:
    return {
        str(p.relative_to(ws)): stat.S_IMODE(p.stat().st_mode)
        for p in [ws, *ws.rglob("*")]
        if not p.is_symlink()
    }


def test_workspace_is_readable_by_the_owner_only(tmp_path):
    orders, survey = exports(tmp_path / "exports")
    ws = tmp_path / "kunde-data"
    old = os.umask(0)  # the most permissive umask: kunde must not rely on it
    try:
        result = kunde("ingest", orders, survey, "--workspace", ws)
        assert result.exit_code == 0, result.stderr
        forgot = kunde("forget", "ase@example.dk", "--workspace", ws, "--yes")
        assert forgot.exit_code == 0, forgot.stderr
    finally:
        os.umask(old)
    found = modes(ws)
    assert {"manifest.json", "rejects.csv", ".lock", "orders", "survey", "rejects"} <= set(found)
    wrong = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (ws / name).is_dir() else 0o600)
    }
    assert wrong == {}


# --- kunde forget ---------------------------------------------------------------------


def test_forget_erases_one_person_everywhere_and_says_what(workspace):
    before = Workspace(workspace)
    lines_before = before.scan_orders().collect()
    nps_before = nps_summary(before.scan_survey())
    text = workspace_text(workspace)
    assert mentions(text, SOREN) == list(SOREN)  # the search does find him before
    assert before.read_rejects().height == 2  # 'ukendt' (Åse) and the ragged row (Søren)

    result = kunde("forget", "  Soren@Example.DK ", "--workspace", workspace, "--yes",
                   "--lang", "en")  # fmt: skip
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Erased the personal data of 'Soren@Example.DK' (customer id K1):"
    assert re.fullmatch(
        r"  3 order line\(s\): email, name, phone, postcode, city cleared; amounts kept "
        r"under the anonymous id erased-[0-9a-f]{12}",
        lines[1],
    )
    assert lines[2] == (
        "  1 survey answer(s): email, name, comment cleared; the score still counts in the NPS"
    )
    assert lines[3] == "  1 refused row(s) removed from rejects.csv"
    assert lines[4].startswith("The original export files are outside the workspace")

    after = Workspace(workspace)
    text = workspace_text(workspace)
    assert mentions(text, SOREN) == []
    assert not re.search(r"\bk1\b", text)  # his customer number is gone too
    assert mentions(text, ASE) == list(ASE)  # nobody else was touched
    # The shop's numbers are the same: lines, revenue and NPS.
    lines_after = after.scan_orders().collect()
    assert lines_after.height == lines_before.height
    assert lines_after[s.AMOUNT].sum() == pytest.approx(lines_before[s.AMOUNT].sum())
    assert nps_summary(after.scan_survey()) == nps_before
    pseudonym = lines[1].rsplit(" ", 1)[1]
    assert lines_after.filter(pl.col(s.CUSTOMER_ID) == pseudonym).height == 3
    assert after.read_rejects().height == 1
    assert after.manifest()["erasures"][0]["order_lines"] == 3


def test_forget_someone_unknown_changes_nothing(workspace):
    before = snapshot(workspace)
    result = kunde("forget", "nobody@example.dk", "--workspace", workspace, "--yes",
                   "--lang", "en")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"No customer in {workspace} matches 'nobody@example.dk'; nothing was changed.\n"
    )
    danish = kunde("forget", "nobody@example.dk", "--workspace", workspace, "--yes")
    assert danish.exit_code == 0, danish.stderr
    assert danish.stdout == (
        f"Ingen kunde i {workspace} passer til 'nobody@example.dk'; intet blev ændret.\n"
    )
    assert snapshot(workspace) == before


def test_forget_asks_for_yes_when_not_in_a_terminal(workspace):
    before = snapshot(workspace)
    result = kunde("forget", "ase@example.dk", "--workspace", workspace)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Fejl: kunde forget sletter data og skal bekræftes",
        "Tip: tilføj --yes for at bekræfte, når kunde kører fra et script eller cron",
    ]
    english = kunde("forget", "ase@example.dk", "--workspace", workspace, "--lang", "en")
    assert english.stderr.splitlines() == [
        "Error: kunde forget erases data and needs confirmation",
        "Hint: add --yes to confirm when running from a script or cron",
    ]
    assert snapshot(workspace) == before


@pytest.mark.parametrize(
    ("lang", "question", "answer"),
    [
        (
            "da",
            "Slet alle personoplysninger om 'ase@example.dk' (K2) i ws? Det kan ikke fortrydes.",
            "Intet blev slettet.",
        ),
        (
            "en",
            "Erase all personal data of 'ase@example.dk' (K2) from ws? This cannot be undone.",
            "Nothing was erased.",
        ),
    ],
)
def test_forget_asks_in_the_runs_language(monkeypatch, capsys, lang, question, answer):
    import typer

    from kunde_cli.cli import forget

    class Terminal:
        def isatty(self) -> bool:
            return True

    asked: list[str] = []

    def say_no(text: str, default: bool) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(forget.sys, "stdin", Terminal())
    monkeypatch.setattr(forget.typer, "confirm", say_no)
    with pytest.raises(typer.Exit):
        forget._confirm("ase@example.dk", ["K2"], Path("ws"), lang=lang)
    assert asked == [question]
    assert capsys.readouterr().out == answer + "\n"


def test_forget_needs_a_workspace(tmp_path):
    none = tmp_path / "none"
    result = kunde("forget", "ase@example.dk", "--workspace", none, "--yes", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: no workspace at {none}",
        "Hint: read an export first: kunde ingest ordrer.csv",
    ]
    danish = kunde("forget", "ase@example.dk", "--workspace", none, "--yes")
    assert danish.exit_code == 2
    assert danish.stderr.splitlines() == [
        f"Fejl: ingen arbejdsmappe i {none}",
        "Tip: læs først en eksport ind: kunde ingest ordrer.csv",
    ]


def test_forget_by_customer_number_in_a_real_process(workspace):
    result = kunde_process("forget", "K2", "--workspace", workspace, "--yes")
    no_traceback(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("Slettede personoplysninger om 'K2' (kundenummer K2):")
    # Her refused row (amount "ukendt") holds nothing personal, so it stays.
    assert [line.split(":")[0] for line in result.stdout.splitlines()[1:3]] == [
        "  1 ordrelinje(r)",
        "  1 svar",
    ]
    assert "rejects.csv" not in result.stdout
    text = workspace_text(workspace)
    assert mentions(text, ASE) == []
    assert mentions(text, SOREN) == list(SOREN)


# --- lists and reports without personal data ------------------------------------------


#: Direct identifiers of all three customers. (Cities are left out on purpose: a
#: persona card may say "mostly Ærøskøbing", which is an aggregate.)
EVERYONE = (*SOREN[:3], *ASE, "bo@example.dk", "Bo Ærenlund", "40506070")


def test_export_with_hashed_emails_has_no_personal_data(workspace, tmp_path):
    args = [
        "export",
        "--workspace",
        workspace,
        "--ignore-consent",
        "--salt",
        "test-salt-0123456789",
    ]
    plain = kunde(*args, "--output", tmp_path / "plain.csv")
    assert plain.exit_code == 0, plain.stderr
    assert mentions((tmp_path / "plain.csv").read_text(encoding="utf-8").lower(), EVERYONE)
    outputs = []
    for name in ("a.csv", "b.csv"):
        result = kunde(*args, "--hash-emails", "--output", tmp_path / name)
        assert result.exit_code == 0, result.stderr
        outputs.append((tmp_path / name).read_text(encoding="utf-8"))
    assert mentions(outputs[0].lower(), EVERYONE) == []
    assert outputs[0] == outputs[1]  # stable pseudonyms: lists made apart still join
    hashed = pl.read_csv(tmp_path / "a.csv")
    assert hashed.height == 3 and hashed[s.EMAIL].n_unique() == 3


def test_anonymised_report_has_no_personal_data(workspace, tmp_path):
    def report(folder: Path, *extra: str) -> str:
        result = kunde("report", "--workspace", workspace, "--output-dir", folder,
                       "--no-model", "--quiet", *extra)  # fmt: skip
        assert result.exit_code == 0, result.stderr
        texts = []
        for path in folder.iterdir():
            if path.suffix == ".html":
                texts.append(path.read_text(encoding="utf-8"))
            elif path.suffix == ".xlsx":
                book = openpyxl.load_workbook(path, read_only=True)
                for sheet in book.worksheets:
                    texts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row]
                book.close()
        return "\n".join(texts).lower()

    assert mentions(report(tmp_path / "plain"), EVERYONE)  # the plain report names them
    anonymous = report(tmp_path / "anon", "--anonymise", "--salt", "test-salt-0123456789")
    assert mentions(anonymous, EVERYONE) == []
    again = report(tmp_path / "anon2", "--anonymise", "--salt", "test-salt-0123456789")
    pseudonyms = set(re.findall(r"kunde [0-9a-f]{12}", anonymous))
    assert pseudonyms and pseudonyms == set(re.findall(r"kunde [0-9a-f]{12}", again))
