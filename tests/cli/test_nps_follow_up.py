"""`kunde nps --follow-up FILE.xlsx` end to end: the workbook written, typed in as an
owner would (rows sorted and deleted, a blank row, statuses in Danish and English with
odd case and spaces, notes), read back and carried forward by response id when a new
survey answer comes in; the report's counts; a damaged or foreign workbook refused.

The shop: seven orders of six customers (tests/cli/test_nps_cli.py). The survey, 2–7
March 2024 (after the last order on 1 March):

    S1 Mette 3   S2 Lars 8   S3 Peter 10   S4 Sofie 5 (a formula-looking comment)
    S5 Anne 7    S6 an unknown e-mail 2

Cases (detractors first, then by revenue): S4 Sofie 2,699 kr., S1 Mette 438 kr., S6 (no
orders) — then passives S2 Lars 1,299 kr., S5 Anne 149 kr. The second export adds S7
(Mette again, 4: a new case; S1 becomes an earlier case) and S8 (Peter, 6: a new case).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from kunde_cli.cli.main import app

ORDERS_CSV = """\
Ordrenummer;Kundenummer;E-mail;Navn;Ordredato;Beløb;Antal;Vare;Kanal;Status
5001;1001;mette.hansen@example.dk;Mette Hansen;02-01-2024;249,00;2;Kaffebønner Espresso;web;betalt
5002;1001;mette.hansen@example.dk;Mette Hansen;15-02-2024;189,00;1;Te Earl Grey;web;betalt
5003;1002;lars.nielsen@example.dk;Lars Nielsen;20-01-2024;1.299,00;1;Kaffekværn;butik;betalt
5004;1004;peter@example.dk;Peter Sørensen;05-02-2024;99,00;1;Kaffefiltre;web;betalt
5005;1006;sofie.j@example.dk;Sofie Jensen;10-02-2024;2.450,00;1;Espressomaskine;butik;betalt
5006;1006;sofie.j@example.dk;Sofie Jensen;25-02-2024;249,00;2;Kaffebønner Espresso;butik;betalt
5007;1003;anne.k@example.dk;Anne Kristensen;01-03-2024;149,00;1;Kaffebønner Filter;web;betalt
"""

HEADER = "Svarnummer;Tidsstempel;E-mail;Hvor sandsynligt er det, at du vil anbefale os?;Kommentar"
FORMULA = '=HYPERLINK("http://evil.example";"klik")'
FIRST = [
    "S1;2024-03-02 10:00;mette.hansen@example.dk;3;Levering tog for lang tid",
    "S2;2024-03-03 11:00;lars.nielsen@example.dk;8;God kaffe men dyr levering",
    "S3;2024-03-04 12:00;peter@example.dk;10;Altid frisk kaffe",
    'S4;2024-03-05 13:00;sofie.j@example.dk;5;"' + FORMULA.replace('"', '""') + '"',
    "S5;2024-03-06 14:00;anne.k@example.dk;7;Levering var langsom",
    "S6;2024-03-07 15:00;ukendt@example.dk;2;Kaffen var gammel",
]
LATER = [
    "S7;2024-03-10 09:00;mette.hansen@example.dk;4;Stadig langsom levering",
    "S8;2024-03-11 09:30;peter@example.dk;6;Kaffen kom for sent",
]


@pytest.fixture
def shop(tmp_path: Path) -> dict[str, Path]:
    orders = tmp_path / "ordrer.csv"
    orders.write_text(ORDERS_CSV, encoding="utf-8")
    first = tmp_path / "svar-marts.csv"
    first.write_text("\n".join([HEADER, *FIRST]) + "\n", encoding="utf-8")
    later = tmp_path / "svar-senere.csv"
    later.write_text("\n".join([HEADER, *FIRST, *LATER]) + "\n", encoding="utf-8")
    return {"orders": orders, "first": first, "later": later, "book": tmp_path / "sager.xlsx"}


def kunde(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def follow_up(shop: dict[str, Path], survey: str, *extra: str | Path) -> str:
    code, _, err = kunde(
        "nps", shop["orders"], shop[survey], "--follow-up", shop["book"], "-w", "no-ws", *extra
    )
    assert code == 0, err
    return err


def sheet_rows(path: Path, index: int = 0) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path).worksheets[index]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:] if row[-1] is not None]


def type_in(path: Path, edits: dict[str, tuple[str | None, str | None]], *, drop=(), sort=True):
    """Type statuses and notes into the cases sheet as an owner would: rows sorted by name
    (Z→A), some deleted, a blank row added, values written by response id."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    ident = len(header) - 1
    status, note = header.index("Status") if "Status" in header else None, None
    for name in ("Notat", "Note"):
        if name in header:
            note = header.index(name)
    data = [list(r) for r in ws.iter_rows(min_row=2, values_only=True) if r[ident] is not None]
    data = [r for r in data if r[ident] not in drop]
    if sort:
        data.sort(key=lambda r: str(r[0] or ""), reverse=True)
    for r in data:
        if r[ident] in edits:
            r[status], r[note] = edits[r[ident]]
    ws.delete_rows(2, ws.max_row)
    for i, r in enumerate([*data[:1], [None] * len(header), *data[1:]], start=2):
        for c, value in enumerate(r, start=1):
            ws.cell(i, c).value = value
    wb.save(path)


def test_statuses_are_carried_forward_by_response_id_and_a_new_answer_is_a_new_case(shop):
    err = follow_up(shop, "first")
    assert "5 sager skrevet til" in err and "(3 kritikere, 2 passive)" in err
    rows = sheet_rows(shop["book"])
    assert [r["Svar-id"] for r in rows] == ["S4", "S1", "S6", "S2", "S5"]
    assert [r["Omsætning"] for r in rows] == [2699, 438, None, 1299, 149]
    assert [r["Ordrer"] for r in rows] == [2, 2, None, 1, 1]
    assert rows[0]["Køber mest"] == "Kaffebønner Espresso, Espressomaskine"
    assert {r["Status"] for r in rows} == {"åben"}
    assert rows[0]["Gruppe"] == "Kritiker" and rows[3]["Gruppe"] == "Passiv"

    type_in(
        shop["book"],
        {
            "S4": (" Kontaktet ", "Ringet 5/3, sender ny kaffe"),
            "S1": ("RESOLVED", "Refunderet fragt"),
            "S2": ("løst", None),
        },
        drop=("S5",),
    )
    err = follow_up(shop, "later", "--lang", "en")
    assert "6 cases written to" in err
    assert "(4 detractors, 2 passives): 4 open, 1 contacted, 1 resolved." in err
    assert "1 earlier cases with a status or a note" in err
    assert "sager.bak.xlsx" in err
    rows = {r["Response id"]: r for r in sheet_rows(shop["book"])}
    assert list(rows) == ["S4", "S7", "S8", "S6", "S2", "S5"]
    assert rows["S4"]["Status"] == "contacted"
    assert rows["S4"]["Note"] == "Ringet 5/3, sender ny kaffe"
    assert rows["S2"]["Status"] == "resolved" and rows["S2"]["Note"] is None
    # Mette answered again: a new case, open; the deleted row comes back open.
    assert rows["S7"]["Status"] == rows["S8"]["Status"] == rows["S5"]["Status"] == "open"
    assert rows["S7"]["Note"] is None
    # The earlier case keeps what the owner wrote.
    (earlier,) = sheet_rows(shop["book"], 1)
    assert (earlier["Response id"], earlier["Status"], earlier["Note"]) == (
        "S1",
        "resolved",
        "Refunderet fragt",
    )
    # The previous file is kept as it was.
    backup = {r["Svar-id"]: r for r in sheet_rows(shop["book"].with_name("sager.bak.xlsx"))}
    assert backup["S4"]["Status"] == " Kontaktet "

    # Back to Danish: the English words typed (or carried) are read, written in Danish.
    err = follow_up(shop, "later")
    rows = {r["Svar-id"]: r for r in sheet_rows(shop["book"])}
    assert rows["S4"]["Status"] == "kontaktet" and rows["S2"]["Status"] == "løst"
    assert "0 nye sager er åbne" in err


def test_formula_looking_comments_stay_text(shop):
    follow_up(shop, "first")
    ws = openpyxl.load_workbook(shop["book"]).worksheets[0]
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row if c.value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(shop["book"]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    # Read back and written again: still text.
    follow_up(shop, "first")
    ws = openpyxl.load_workbook(shop["book"]).worksheets[0]
    assert any(c.value == FORMULA and c.data_type == "s" for row in ws.iter_rows() for c in row)


def test_the_dropdown_and_the_guarded_id(shop):
    follow_up(shop, "first", "--lang", "en")
    ws = openpyxl.load_workbook(shop["book"]).worksheets[0]
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert rules["list"].formula1 == '"open,contacted,resolved"'
    assert str(rules["list"].sqref).startswith("F2:F")
    assert rules["custom"].formula1 == "FALSE" and str(rules["custom"].sqref) == "O2:O6"


def test_an_unknown_status_stops_with_file_row_and_column(shop):
    follow_up(shop, "first")
    type_in(shop["book"], {"S1": ("ringet op", None)}, sort=False)
    before = shop["book"].read_bytes()
    code, _, err = kunde(
        "nps", shop["orders"], shop["first"], "--follow-up", shop["book"], "-w", "no-ws"
    )
    assert code == 2
    line = next(x for x in err.splitlines() if x.startswith("Fejl:"))
    # S1 is the second case; the blank row typed in after the first pushes it to row 4.
    assert "sager.xlsx, række 4, kolonne 'Status': ukendt status 'ringet op'" in line
    assert "Traceback" not in err
    assert shop["book"].read_bytes() == before


@pytest.mark.parametrize("content", [b"not a workbook at all", b"PK\x03\x04broken zip"])
def test_a_damaged_workbook_is_refused_in_one_line(shop, content):
    shop["book"].write_bytes(content)
    code, _, err = kunde(
        "nps", shop["orders"], shop["first"], "--follow-up", shop["book"], "-w", "no-ws",
        "--lang", "en",
    )  # fmt: skip
    assert code == 2
    (line,) = [x for x in err.splitlines() if x.startswith("Error:")]
    assert "sager.xlsx: the file cannot be read as an Excel workbook (.xlsx)" in line
    assert shop["book"].read_bytes() == content


def test_a_workbook_kunde_did_not_write_is_not_overwritten(shop):
    pl.DataFrame({"Navn": ["Bo"], "Beløb": [1]}).write_excel(shop["book"])
    before = shop["book"].read_bytes()
    code, _, err = kunde(
        "nps", shop["orders"], shop["first"], "--follow-up", shop["book"], "-w", "no-ws"
    )
    assert code == 2 and "det er ikke en opfølgningsfil fra kunde" in err
    assert shop["book"].read_bytes() == before


def test_workspace_keeps_statuses_the_report_counts_them_and_forget_removes_them(shop, tmp_path):
    ws = tmp_path / "ws"
    code, _, err = kunde("ingest", shop["orders"], shop["first"], "-w", ws, "-q")
    assert code == 0, err
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws)
    assert code == 0, err
    type_in(shop["book"], {"S4": ("kontaktet", "Ringet"), "S2": ("løst", "Tilfreds nu")})
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws)
    assert code == 0, err
    stored = pl.read_parquet(ws / "follow_up.parquet").sort("response_id")
    assert stored.select("response_id", "follow_up_status", "follow_up_note").rows() == [
        ("S1", "open", None),
        ("S2", "resolved", "Tilfreds nu"),
        ("S4", "contacted", "Ringet"),
        ("S5", "open", None),
        ("S6", "open", None),
    ]
    # A new answer comes in; the report counts it open without a new follow-up run.
    code, _, err = kunde("ingest", shop["later"], "-w", ws, "-q")
    assert code == 0, err
    out = tmp_path / "rapport"
    code, _, err = kunde("report", "-w", ws, "-d", out, "--lang", "en", "-q")
    assert code == 0, err
    (html,) = out.glob("*.html")
    page = html.read_text(encoding="utf-8")
    assert (
        "6 customers to follow up (4 detractors, 2 passives): 4 open, 1 contacted, 1 resolved."
        in page
    )
    assert "2 of them answered after the latest follow-up file and are open." in page
    # Forgetting Sofie takes her case's status and note out of the workspace …
    code, _, err = kunde("forget", "sofie.j@example.dk", "-w", ws, "--yes")
    assert code == 0, err
    stored = pl.read_parquet(ws / "follow_up.parquet")
    assert "S4" not in stored.get_column("response_id").to_list()
    # … and the next follow-up run does not carry her note into the new workbook.
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws, "--lang", "en")
    assert code == 0, err
    assert "1 cases with a status or a note belong to answers that no longer exist" in err
    book = openpyxl.load_workbook(io.BytesIO(shop["book"].read_bytes()))
    values = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    assert "Ringet" not in values and "S4" not in values
    assert "Tilfreds nu" in values
    # The previous file held her note: it is not kept as a backup, and the older one goes.
    assert "so it is not kept as " in err and "sager.bak.xlsx (an older copy was deleted)" in err
    assert not shop["book"].with_name("sager.bak.xlsx").exists()


def test_a_link_planted_at_the_backup_is_replaced_not_followed(shop, tmp_path):
    # FILE.bak.xlsx is kunde's own name: a link there must not make kunde write the
    # previous workbook over whatever file the link points to.
    follow_up(shop, "first")
    precious = tmp_path / "precious.txt"
    precious.write_text("mine\n", encoding="utf-8")
    backup = shop["book"].with_name("sager.bak.xlsx")
    backup.symlink_to(precious)
    type_in(shop["book"], {"S4": ("kontaktet", "Ringet")}, sort=False)
    follow_up(shop, "first")
    assert precious.read_text(encoding="utf-8") == "mine\n"
    assert not backup.is_symlink() and backup.is_file()
    assert sheet_rows(backup)[0]["Svar-id"] == "S4"
    # A dangling link there stops nothing either.
    backup.unlink()
    backup.symlink_to(tmp_path / "nowhere.xlsx")
    type_in(shop["book"], {"S4": ("løst", "Ringet")}, sort=False)
    follow_up(shop, "first")
    assert not backup.is_symlink() and not (tmp_path / "nowhere.xlsx").exists()


def test_a_status_or_note_typed_on_a_row_without_id_is_said_not_dropped_silently(shop):
    # The dropdown reaches the spare rows below the cases: an owner adds a case she
    # phoned about there, or clears an id by mistake. kunde cannot carry those rows
    # forward, so it says which rows and that the previous file keeps them.
    follow_up(shop, "first")
    wb = openpyxl.load_workbook(shop["book"])
    ws = wb.worksheets[0]
    ws.cell(12, 1).value = "Ny kunde i telefonen"
    ws.cell(12, 6).value = "kontaktet"
    ws.cell(12, 7).value = "Ringede selv ind"
    ws.cell(13, 6).value = "åben"  # the dropdown touched, nothing typed: not a loss
    ws.cell(3, 15).value = None  # S1's id cleared, her note typed
    ws.cell(3, 7).value = "Sendt rabatkode"
    wb.save(shop["book"])
    err = follow_up(shop, "first")
    assert (
        "2 rækker med status eller notat har intet Svar-id og føres ikke videre "
        "(ark 'Opfølgning', række 3, 12); de står i sager.bak.xlsx." in err
    )
    backup = shop["book"].with_name("sager.bak.xlsx")
    assert "Ringede selv ind" in {r["Notat"] for r in sheet_rows(backup, 0)} | {
        c.value for row in openpyxl.load_workbook(backup).worksheets[0].iter_rows() for c in row
    }
    # kunde's own workbook has no such rows: the next run says nothing of them.
    err = follow_up(shop, "first", "--lang", "en")
    assert "no response id" not in err


def test_a_run_that_changes_nothing_keeps_the_backup_of_what_the_owner_typed(shop):
    # The owner types, a run carries it forward (her file becomes the backup); a second
    # run the same day writes the same bytes: the backup must still be her file, not a
    # copy of kunde's, and nothing is written.
    follow_up(shop, "first")
    type_in(shop["book"], {"S4": (" Kontaktet ", "Ringet")}, sort=False)
    follow_up(shop, "first")
    backup = shop["book"].with_name("sager.bak.xlsx")
    written = shop["book"].read_bytes()
    typed = backup.read_bytes()
    err = follow_up(shop, "first")
    assert shop["book"].read_bytes() == written
    assert backup.read_bytes() == typed
    assert sheet_rows(backup)[0]["Status"] == " Kontaktet "
    assert "Intet nyt: sager.xlsx er uændret; sager.bak.xlsx er som før." in err
    assert "Den forrige fil er gemt som" not in err


def test_a_look_back_with_as_of_keeps_the_notes_on_later_answers(shop, tmp_path):
    # Notes typed on S4 (5 March) and S5 (6 March); a run looking back to 4 March must
    # not drop them as if the answers were gone: they are kept as earlier cases.
    ws = tmp_path / "ws"
    code, _, err = kunde("ingest", shop["orders"], shop["first"], "-w", ws, "-q")
    assert code == 0, err
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws)
    assert code == 0, err
    type_in(shop["book"], {"S4": ("kontaktet", "Ringet"), "S5": ("løst", "Tilfreds nu")})
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws, "--as-of", "2024-03-04")
    assert code == 0, err
    assert "hører til svar, der ikke længere findes" not in err
    earlier = {r["Svar-id"]: r for r in sheet_rows(shop["book"], 1)}
    assert (earlier["S4"]["Status"], earlier["S4"]["Notat"]) == ("kontaktet", "Ringet")
    assert (earlier["S5"]["Status"], earlier["S5"]["Notat"]) == ("løst", "Tilfreds nu")
    # The next run at today's date finds them current again, with their notes.
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws)
    assert code == 0, err
    rows = {r["Svar-id"]: r for r in sheet_rows(shop["book"])}
    assert (rows["S4"]["Status"], rows["S4"]["Notat"]) == ("kontaktet", "Ringet")
    assert (rows["S5"]["Status"], rows["S5"]["Notat"]) == ("løst", "Tilfreds nu")


@pytest.mark.parametrize(
    ("book", "lock"),
    [
        # Excel's owner file: "~$" before a short name …
        ("sager.xlsx", "~$sager.xlsx"),
        # … and over the first two letters of a long one;
        ("opfoelgning.xlsx", "~$foelgning.xlsx"),
        # LibreOffice's lock file.
        ("opfoelgning.xlsx", ".~lock.opfoelgning.xlsx#"),
    ],
)
def test_a_workbook_open_in_a_spreadsheet_is_warned_about(shop, book, lock):
    shop["book"] = shop["book"].with_name(book)
    follow_up(shop, "first")
    (shop["book"].parent / lock).write_text("owner", encoding="utf-8")
    err = follow_up(shop, "first")
    assert f"{book} ser ud til at være åben i et regneark ({lock} findes)" in err


@pytest.mark.parametrize(
    ("column", "shown"),
    [
        # Without the Status column every status would read as open: the contacted and
        # resolved cases reopened without a word.
        ("Status", "arket 'Opfølgning' mangler kolonnen 'Status'"),
        # Without the Note column every note would be emptied.
        ("Notat", "arket 'Opfølgning' mangler kolonnen 'Notat'"),
        # Without the id no status can be found again: said as such, not "not ours".
        ("Svar-id", "arket 'Opfølgning' mangler kolonnen 'Svar-id'"),
    ],
)
def test_a_deleted_status_note_or_id_column_stops_the_run_and_keeps_the_file(shop, column, shown):
    follow_up(shop, "first")
    type_in(shop["book"], {"S4": ("kontaktet", "Ringet")}, sort=False)
    follow_up(shop, "first")
    wb = openpyxl.load_workbook(shop["book"])
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    ws.delete_cols(header.index(column) + 1)
    wb.save(shop["book"])
    before = shop["book"].read_bytes()
    code, _, err = kunde(
        "nps", shop["orders"], shop["first"], "--follow-up", shop["book"], "-w", "no-ws"
    )
    assert code == 2, err
    (line,) = [x for x in err.splitlines() if x.startswith("Fejl:")]
    assert f"sager.xlsx: {shown}" in line, line
    assert "sager.bak.xlsx" in err and "Traceback" not in err
    assert shop["book"].read_bytes() == before


@pytest.mark.parametrize("target", ["sager.xlsx", "sager.bak.xlsx"])
def test_the_themes_output_cannot_be_the_follow_up_workbook(shop, target):
    # -o naming the workbook (or its backup) wrote the themes table over the cases and
    # the owner's statuses just written.
    follow_up(shop, "first")
    before = shop["book"].read_bytes()
    code, _, err = kunde(
        "nps", shop["orders"], shop["first"], "--follow-up", shop["book"], "-w", "no-ws",
        "-o", shop["book"].with_name(target), "--format", "xlsx",
    )  # fmt: skip
    assert code == 2, err
    (line,) = [x for x in err.splitlines() if x.startswith("Fejl:")]
    assert f"{target}: -o/--output må ikke være opfølgningsfilen eller dens kopi" in line
    assert shop["book"].read_bytes() == before


def test_an_older_copy_of_the_workbook_reopening_cases_is_warned_about(shop, tmp_path):
    ws = tmp_path / "ws"
    code, _, err = kunde("ingest", shop["orders"], shop["first"], "-w", ws, "-q")
    assert code == 0, err
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws)
    assert code == 0, err
    old_copy = shop["book"].read_bytes()  # every case open
    type_in(shop["book"], {"S4": ("kontaktet", "Ringet"), "S2": ("løst", "Tilfreds nu")})
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws)
    assert code == 0, err
    assert "står som åbne" not in err
    # The owner works on yesterday's copy: S2 and S4 are open in it again.
    shop["book"].write_bytes(old_copy)
    code, _, err = kunde("nps", "--follow-up", shop["book"], "-w", ws, "--lang", "en")
    assert code == 0, err
    said = " ".join(err.split())
    assert "2 cases that were contacted or resolved are open in sager.xlsx" in said
    # The file's status counts (a deliberate reopening must be possible).
    stored = pl.read_parquet(ws / "follow_up.parquet")
    assert set(stored.filter(pl.col("response_id").is_in(["S2", "S4"]))["follow_up_status"]) == {
        "open"
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_damaged_copy_at_the_statuses_is_no_copy(tmp_path):
    # The report reads the workspace's follow_up.parquet without its lock: a FIFO planted
    # there must not hang it, and a file without the status columns is not used.
    from kunde_cli.store.follow_up import FOLLOW_UP_FILE, statuses_in

    fifo = tmp_path / "fifo-ws"
    fifo.mkdir()
    os.mkfifo(fifo / FOLLOW_UP_FILE)
    assert statuses_in(fifo) is None
    damaged = tmp_path / "damaged-ws"
    damaged.mkdir()
    pl.DataFrame({"response_id": ["S1"]}).write_parquet(damaged / FOLLOW_UP_FILE)
    assert statuses_in(damaged) is None
