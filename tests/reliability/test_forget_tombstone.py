"""An erased person does not come back silently, and forget names what still holds them
(issue 14, point 14).

* the tombstone: keyed digests (HMAC-SHA256, a random per-workspace key in
  ``forget.key``, 0600) of the erased e-mails, phones and customer ids, in the manifest;
  never the values;
* an ingest that stores an erased key again warns with the count and the date, and the
  manifest records it;
* ``written.jsonl``: the reports and lists written from the workspace, listed by
  ``forget`` when they are still on disk and were written after the person came in.
"""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from kunde_cli.store.tombstones import KEY_FILE
from kunde_cli.store.written import WRITTEN
from reliability.conftest import kunde, no_traceback, snapshot
from reliability.test_personal_data import SOREN, exports, mentions, workspace_text

TODAY = date.today().isoformat()
# Søren again in next month's export: a new order (1007) and order 1003 refunded since.
NEWER = """\
Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Telefon;Beløb;Postnummer;By;Status;Nyhedsbrev
1002;1;26-03-2024 09:10;K2;Åse Øberg;ase@example.dk;22334455;299,00;5000;Odense;Betalt;Ja
1003;1;27-04-2024 18:00;K1;Søren Ærø; soren@example.dk ;12345678;450,00;5970;Ærøskøbing;Refunderet;Ja
1004;1;28-04-2024 11:45;K3;Bo Ærenlund;bo@example.dk;40506070;396,00;8000;Aarhus;Betalt;Ja
1007;1;02-05-2024 12:00;K1;Søren Ærø;soren@example.dk;12345678;99,00;5970;Ærøskøbing;Betalt;Ja
"""


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path, Path]:
    orders, survey = exports(tmp_path / "exports")
    ws = tmp_path / "kunde-data"
    result = kunde("ingest", orders, survey, "--workspace", ws)
    assert result.exit_code == 0, result.stderr
    return ws, orders, survey


def squeezed(text: str) -> str:
    """``text`` without whitespace (the terminal wraps long warnings anywhere)."""
    return "".join(text.split())


def forget_soren(ws: Path):
    result = kunde("forget", "soren@example.dk", "--workspace", ws, "--yes", "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    return result


# --- the tombstone ----------------------------------------------------------------------


def test_tombstone_holds_keyed_digests_only(shop):
    ws, _, _ = shop
    forget_soren(ws)
    key_file = ws / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert re.fullmatch(rb"[0-9a-f]{64}\n", key_file.read_bytes())
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    erasure = manifest["erasures"][0]
    # His e-mail, two phone spellings normalise to one, customer id K1 and the id the
    # ragged row fell back to: digests, 64 hex characters each, no plain value.
    assert erasure["tombstone"] and all(
        re.fullmatch(r"[0-9a-f]{64}", d) for d in erasure["tombstone"]
    )
    assert re.fullmatch(r"[0-9a-f]{16}", erasure["key_id"])
    text = (ws / "manifest.json").read_text(encoding="utf-8").lower()
    assert mentions(text, SOREN) == []
    assert "+4512345678" not in text and '"k1"' not in text


def test_an_export_bringing_the_erased_person_back_warns_and_is_recorded(shop, tmp_path):
    ws, _, _ = shop
    forget_soren(ws)
    newer = tmp_path / "exports" / "ordrer_maj.csv"
    newer.write_text(NEWER, encoding="utf-8")
    result = kunde("ingest", newer, "--workspace", ws, "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    # 1007 is new: his again. 1003 changed (refunded): its new version replaces the
    # stored one and stays anonymous (store.overlap), so it does not count here.
    assert squeezed(
        f"{newer}: 1 row(s) belong to a person erased with kunde forget on {TODAY}; they were "
        "stored again — run kunde forget again to erase them (and fix the export)"
    ) in squeezed(result.stderr)
    entry = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))["sources"][-1]
    assert entry["returning_erased"] == 1
    # Told, so the shop owner can forget him again; then he is gone once more.
    again = forget_soren(ws)
    assert again.stdout.splitlines()[1].startswith("  1 order line(s)")
    assert mentions(workspace_text(ws), SOREN) == []


def test_the_original_export_again_brings_nobody_back(shop):
    ws, orders, survey = shop
    forget_soren(ws)
    result = kunde("ingest", orders, survey, "--workspace", ws, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "erased with kunde forget" not in result.stderr
    assert mentions(workspace_text(ws), SOREN) == []


def test_a_survey_re_export_under_a_new_name_brings_nobody_back(shop, tmp_path):
    ws, _, survey = shop
    forget_soren(ws)
    again = tmp_path / "exports" / "nps_svar_juni.csv"
    again.write_text(
        survey.read_text(encoding="utf-8") + "05-06-2024;ny@example.dk;;Ny Kunde;8;Fin\n",
        encoding="utf-8",
    )
    result = kunde("ingest", again, "--workspace", ws, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "erased with kunde forget" not in result.stderr
    assert mentions(workspace_text(ws), SOREN) == []
    # His new answer in a later export is his again: told.
    later = tmp_path / "exports" / "nps_svar_juli.csv"
    later.write_text(
        again.read_text(encoding="utf-8") + "06-07-2024;soren@example.dk;K1;Søren Ærø;7;Igen\n",
        encoding="utf-8",
    )
    result = kunde("ingest", later, "--workspace", ws, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert squeezed("1 row(s) belong to a person erased with kunde forget") in squeezed(
        result.stderr
    )


def test_a_damaged_key_is_refused_not_used(shop, tmp_path):
    ws, _, _ = shop
    forget_soren(ws)
    (ws / KEY_FILE).write_bytes(b"")  # a full disk, say: an empty key would be no key
    newer = tmp_path / "exports" / "ordrer_maj.csv"
    newer.write_text(NEWER, encoding="utf-8")
    before = snapshot(ws)
    result = kunde("ingest", newer, "--workspace", ws)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 2
    assert "slettenøglen forget.key er beskadiget" in result.stderr
    assert snapshot(ws) == before


def test_nothing_erased_means_no_key_and_no_tombstone(shop):
    ws, _, _ = shop
    result = kunde("forget", "nobody@example.dk", "--workspace", ws, "--yes")
    assert result.exit_code == 0
    assert not (ws / KEY_FILE).exists()


# --- what still holds the person --------------------------------------------------------


def test_forget_lists_the_reports_and_lists_written_since(shop, tmp_path):
    ws, orders, survey = shop
    out = tmp_path / "rapporter"
    report = kunde("report", "--workspace", ws, "--output-dir", out, "--quiet")
    assert report.exit_code == 0, report.stderr
    html, xlsx = report.stdout.split()
    mailing = tmp_path / "liste.csv"
    export = kunde("export", "--workspace", ws, "-o", mailing)
    assert export.exit_code == 0, export.stderr
    gone = tmp_path / "gammel.csv"
    assert kunde("export", "--workspace", ws, "-o", gone).exit_code == 0
    gone.unlink()  # deleted since: not listed
    # A list from before his data came in (an old record line): not listed.
    record = ws / WRITTEN
    with record.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"at": "2001-01-01T00:00:00+00:00", "command": "export",
                                 "path": str(orders)}) + "\n")  # fmt: skip
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    entries = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert [sorted(e) for e in entries] == [["at", "command", "path"]] * 5
    assert mentions(record.read_text(encoding="utf-8").lower(), SOREN) == []

    result = forget_soren(ws)
    lines = result.stdout.splitlines()
    start = lines.index(
        "Reports and lists written from the workspace that may still hold the person "
        "(delete them or make them again):"
    )
    listed = lines[start + 1 : start + 4]
    assert {line.strip() for line in listed} == {
        f"{html} (report, {TODAY})",
        f"{xlsx} (report, {TODAY})",
        f"{mailing} (export, {TODAY})",
    }
    assert lines[start + 4] == (
        "The original export files are outside the workspace and still hold the data: "
        f"{orders}, {survey}"
    )
    assert str(gone) not in result.stdout


def test_outputs_from_files_read_directly_are_not_recorded(shop, tmp_path):
    ws, orders, _ = shop
    result = kunde("export", orders, "--workspace", ws, "-o", tmp_path / "direkte.csv")
    assert result.exit_code == 0, result.stderr
    assert not (ws / WRITTEN).exists()
