"""`kunde ingest` end to end: counts add up, re-ingest never double-counts, rejects kept."""

from __future__ import annotations

import csv
import json
import stat

import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()

HEADER = "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Vare;Antal;Beløb;Status"
ROWS = [
    "1001;1;15-03-2024 14:22;K1;Søren;soren@example.dk;Kaffe;2;1.234,50;Betalt",
    "1001;2;15-03-2024 14:22;K1;Søren;soren@example.dk;Kop;1;99,00;Betalt",
    "1002;1;16-03-2024 09:10;K2;Åse;ase@example.dk;Hue;1;kr. 299,00;Betalt",
    "1003;1;;K3;Bo;bo@example.dk;Te;1;45,00;Betalt",
    "1004;1;17-03-2024;K3;Bo;bo@example.dk;Te;1;ukendt;Betalt",
]
NEWER = [
    "1002;1;16-03-2024 09:10;K2;Åse;ase@example.dk;Hue;1;kr. 299,00;Betalt",
    "1005;1;20-03-2024 10:00;K1;Søren;soren@example.dk;Te;1;45,00;Betalt",
]


def write(path, rows):
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def ingest(ws, *files, extra=()):
    return runner.invoke(
        app, ["ingest", *map(str, files), "--workspace", str(ws), "--format", "json", *extra]
    )


def test_counts_add_up_and_reingest_skips_everything(tmp_path):
    ws = tmp_path / "ws"
    path = write(tmp_path / "ordrer.csv", ROWS)
    first = ingest(ws, path)
    assert first.exit_code == 0, first.output
    row = json.loads(first.stdout)[0]
    assert (row["rows_read"], row["accepted"], row["duplicates"], row["rejected"]) == (5, 3, 0, 2)
    assert "2 række(r) kunne ikke bruges" in first.stderr

    again = json.loads(ingest(ws, path).stdout)[0]
    assert (again["rows_read"], again["accepted"], again["duplicates"], again["rejected"]) == (
        5,
        0,
        3,
        2,
    )
    assert again["rows_read"] == again["accepted"] + again["duplicates"] + again["rejected"]

    with (ws / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    # rejects.csv, opened by a person, gives the reason in the run's language (Danish by
    # default) and its code beside it for a script.
    assert [(r["row"], r["column"], r["reason"], r["reason_code"]) for r in rejects] == [
        ("5", "Ordredato", "ingen dato", "no_date"),
        ("6", "Beløb", "ikke et beløb", "not_an_amount"),
    ]
    assert list(rejects[0]) == ["file", "row", "column", "value", "reason", "reason_code"]

    # The workspace holds each line once: revenue is the same after the second run.
    seg = runner.invoke(
        app, ["segment", "--workspace", str(ws), "--format", "json", "--by", "customer"]
    )
    customers = {c["customer_id"]: c for c in json.loads(seg.stdout)}
    assert customers["K1"]["monetary"] == pytest.approx(1333.5)
    assert customers["K2"]["monetary"] == pytest.approx(299.0)


def test_the_same_file_again_is_not_read_but_counted_as_seen(tmp_path, monkeypatch):
    """A cron job offering yesterday's export again: hashed, not read or validated."""
    ws = tmp_path / "ws"
    path = write(tmp_path / "ordrer.csv", ROWS)
    newer = write(tmp_path / "nyere.csv", NEWER)
    assert ingest(ws, path).exit_code == 0

    import kunde_cli.ingest as ingest_package

    real_read_any = ingest_package.read_any
    read = []

    def spying_read_any(file, options):
        read.append(file)
        return real_read_any(file, options)

    monkeypatch.setattr(ingest_package, "read_any", spying_read_any)
    again = ingest(ws, path, newer)
    assert again.exit_code == 0, again.output
    assert read == [newer]  # ordrer.csv was not read again
    assert "allerede indlæst" in again.stderr and "springes over" in again.stderr
    rows = {r["file"]: r for r in json.loads(again.stdout)}
    seen = rows[str(path)]
    assert (seen["rows_read"], seen["accepted"], seen["duplicates"], seen["rejected"]) == (
        5,
        0,
        3,
        2,
    )
    assert rows[str(newer)]["accepted"] == 1  # only order 1005 is new
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    first = next(e for e in manifest["sources"] if e["name"] == "ordrer.csv")
    assert first["times_seen"] == 2 and first["last_seen_at"]
    assert [e["name"] for e in manifest["sources"]] == ["ordrer.csv", "nyere.csv"]


def test_a_file_seen_before_still_fails_strict_and_can_be_reread_as_another_kind(tmp_path):
    ws = tmp_path / "ws"
    path = write(tmp_path / "ordrer.csv", ROWS)
    assert ingest(ws, path).exit_code == 0
    # Its two bad rows still cannot be used: --strict refuses, as the first time.
    strict = ingest(ws, path, extra=["--strict"])
    assert strict.exit_code == 3
    assert "2 række(r) kan ikke bruges" in strict.stderr
    # Given as another kind, the file is read again (and here refused: it has no scores).
    other = ingest(ws, path, extra=["--kind", "survey"])
    assert other.exit_code == 2
    assert "allerede indlæst" not in other.stderr


def test_overlapping_newer_export_adds_only_new_lines(tmp_path):
    ws = tmp_path / "ws"
    ingest(ws, write(tmp_path / "jan.csv", ROWS))
    newer = json.loads(ingest(ws, write(tmp_path / "feb.csv", NEWER)).stdout)[0]
    assert (newer["accepted"], newer["duplicates"], newer["rejected"]) == (1, 1, 0)


def test_workspace_is_private(tmp_path):
    ws = tmp_path / "ws"
    ingest(ws, write(tmp_path / "o.csv", ROWS))
    assert stat.S_IMODE(ws.stat().st_mode) == 0o700
    assert stat.S_IMODE((ws / "manifest.json").stat().st_mode) == 0o600


def test_strict_refuses_whole_run_with_exit_3(tmp_path):
    ws = tmp_path / "ws"
    result = ingest(ws, write(tmp_path / "o.csv", ROWS), extra=["--strict", "--lang", "en"])
    assert result.exit_code == 3
    assert "2 row(s) cannot be used; nothing was written (--strict)" in result.stderr
    assert not (ws / "manifest.json").exists()


def test_a_bad_file_stops_the_run_before_anything_is_written(tmp_path):
    ws = tmp_path / "ws"
    good = write(tmp_path / "good.csv", ROWS)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary" * 100)
    result = ingest(ws, good, bad, extra=["--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"Error: {bad}: binary data, not a CSV or Excel file"
    danish = ingest(ws, good, bad)
    assert (
        danish.stderr.splitlines()[0] == f"Fejl: {bad}: binære data, ikke en CSV- eller Excel-fil"
    )
    assert not (ws / "manifest.json").exists()


def test_survey_and_orders_in_one_run(tmp_path):
    ws = tmp_path / "ws"
    survey = tmp_path / "svar.csv"
    survey.write_text(
        "Tidsstempel,E-mailadresse,Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?\n"
        "2024/03/20 10:00:00 GMT+1,soren@example.dk,10\n"
        "2024/03/21 11:00:00 GMT+1,ase@example.dk,4\n",
        encoding="utf-8",
    )
    result = ingest(ws, write(tmp_path / "o.csv", ROWS), survey)
    rows = {r["kind"]: r for r in json.loads(result.stdout)}
    assert rows["survey"]["accepted"] == 2
    nps = runner.invoke(app, ["nps", "--workspace", str(ws), "--format", "json"])
    assert nps.exit_code == 0, nps.output
    assert json.loads(nps.stdout)[0]["nps"] == pytest.approx(0.0)


def test_files_can_be_analysed_without_a_workspace(tmp_path):
    path = write(tmp_path / "o.csv", ROWS)
    result = runner.invoke(app, ["segment", str(path), "--format", "json", "--by", "customer"])
    assert result.exit_code == 0, result.output
    assert {c["customer_id"] for c in json.loads(result.stdout)} == {"K1", "K2"}


def test_no_workspace_says_what_to_do(tmp_path):
    result = runner.invoke(app, ["segment", "--workspace", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "ingen arbejdsmappe i" in result.stderr and "kunde ingest" in result.stderr
    english = runner.invoke(app, ["segment", "--workspace", str(tmp_path / "nope"), "--lang", "en"])
    assert "Error: no workspace at" in english.stderr and "kunde ingest" in english.stderr


AMBIGUOUS = (
    "Ordrenummer;Ordredato;Kundenummer;Beløb\n1;03-04-2024;K1;100,00\n2;05-06-2024;K2;200,00\n"
)


def test_a_note_and_a_warning_follow_the_language(tmp_path):
    """What reading a file says (a note on the layout, a warning on dates that fit both
    orders) is Danish by default and English with --lang en — never a mix."""
    path = tmp_path / "ordrer.csv"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    da = ingest(tmp_path / "da", path)
    assert da.exit_code == 0, da.output
    flat = " ".join(da.stderr.split())
    assert (
        f"{path}: datoerne i 'Ordredato' passer både med dag først og måned først; "
        "læst med dag først (dansk)" in flat
    )
    assert "fit both" not in flat and "day-first" not in flat
    en = ingest(tmp_path / "en", path, extra=["--lang", "en"])
    assert en.exit_code == 0, en.output
    flat = " ".join(en.stderr.split())
    assert f"{path}: dates in 'Ordredato' fit both day-first and month-first" in flat
    assert "passer" not in flat
    # The same file again: the note that it is skipped, in each language.
    again = ingest(tmp_path / "da", path)
    assert f"{path}: allerede indlæst" in again.stderr
    again = ingest(tmp_path / "en", path, extra=["--lang", "en"])
    assert f"{path}: already ingested on" in again.stderr


def test_a_warning_on_dates_is_a_warning_and_a_layout_note_a_note(tmp_path):
    """app.ingest tells a warning from a note by the sentence's key, not its words."""
    from kunde_cli.app.ingest import ingest_files

    path = tmp_path / "ordrer.csv"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    done = ingest_files([path], tmp_path / "ws", lang="da")
    warned = [n for n in done.notes if n.warning]
    assert [n.said.value("note").key for n in warned] == ["ingest_note_dates_fit_both_dayfirst"]
    assert warned[0].text.startswith(f"{path}: datoerne i 'Ordredato' passer")
    survey = tmp_path / "svar.csv"
    survey.write_text("E-mail;Anbefaling (0-10)\na@x.dk;9\n", encoding="utf-8")
    done = ingest_files([survey], tmp_path / "ws", lang="en")
    layout = [n for n in done.notes if "survey layout" in n.text]
    assert layout and not layout[0].warning
    assert layout[0].said.value("note").key == "ingest_note_survey_layout"


def test_an_error_follows_the_language(tmp_path):
    path = write(tmp_path / "ordrer.csv", ROWS)
    da = ingest(tmp_path / "ws", path, extra=["--kind", "kunder"])
    assert da.exit_code == 2
    assert (
        da.stderr.splitlines()[0] == "Fejl: --kind 'kunder' er ukendt; vælg blandt orders, survey"
    )
    en = ingest(tmp_path / "ws", path, extra=["--kind", "kunder", "--lang", "en"])
    assert (
        en.stderr.splitlines()[0] == "Error: --kind 'kunder' is unknown; choose from orders, survey"
    )


def test_rejects_csv_gives_reasons_in_english_with_lang_en(tmp_path):
    ws = tmp_path / "ws"
    assert ingest(ws, write(tmp_path / "ordrer.csv", ROWS), extra=["--lang", "en"]).exit_code == 0
    with (ws / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["reason"], r["reason_code"]) for r in rejects] == [
        ("no date", "no_date"),
        ("not an amount", "not_an_amount"),
    ]
