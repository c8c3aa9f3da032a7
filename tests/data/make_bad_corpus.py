"""Write kunde's bad-input corpus: one small file per way a shop export goes wrong.

    python tests/data/make_bad_corpus.py            # (re)writes tests/data/bad/
    python tests/data/make_bad_corpus.py OUT_DIR    # somewhere else

Deterministic: the same script writes the same bytes (no clock, no unseeded randomness;
the Excel files get a fixed creation date), so ``tests/reliability/test_bad_corpus.py``
can check that the stored corpus is what this script makes. Standard library plus
xlsxwriter only.

Two cases are too big to keep in the repository and are written by the tests into a
temporary folder instead, with :func:`write_huge_field` (a 5 MB single field) — the
2,000-column file is small (≈ 40 kB) and is stored like the others.

The expected outcome of every file (accepted with exact counts, or exit code 2 with a
one-line message) is stated in ``tests/reliability/test_bad_corpus.py``; the one-line
description of each file is written to ``bad/README.md``.
"""

from __future__ import annotations

import codecs
import io
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "bad"

#: The Danish web shop export every CSV case starts from (semicolon, decimal comma).
HEADER = ["Ordrenummer", "Linje", "Ordredato", "Kundenummer", "Navn", "E-mail", "Vare", "Antal", "Beløb", "Status"]  # fmt: skip
ROWS = [
    ["1001", "1", "25-03-2024 14:22", "K1", "Søren Ærø", "soren@example.dk", "Økologisk kaffe", "2", "1.234,50", "Betalt"],
    ["1001", "2", "25-03-2024 14:22", "K1", "Søren Ærø", "soren@example.dk", "Kaffefiltre", "1", "29,95", "Betalt"],
    ["1002", "1", "26-03-2024 09:10", "K2", "Åse Øberg", "ase@example.dk", "Strikket hue", "1", "299,00", "Betalt"],
    ["1003", "1", "27-03-2024 18:00", "K3", "Bo Ærenlund", "bo@example.dk", "Te", "1", "45,00", "Annulleret"],
    ["1004", "1", "28-03-2024 11:45", "K4", "Mette Lund", "mette@example.dk", "Krus", "4", "396,00", "Betalt"],
]  # fmt: skip

#: Fixed creation date for the workbooks, so the .xlsx bytes never change.
XLSX_DATE = datetime(2024, 3, 8, 12, 0, 0)


def _line(cells: list[str], delimiter: str = ";") -> str:
    return delimiter.join(cells)


def _csv(rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ";", eol: str = "\n") -> str:
    # Header cells are quoted when they hold the delimiter (survey questions do);
    # row cells are written as given, so a case can break the quoting on purpose.
    head = _line([f'"{h}"' if delimiter in h else h for h in header], delimiter)
    return eol.join([head, *(_line(r, delimiter) for r in rows)]) + eol


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


# --- the cases ----------------------------------------------------------------------


def empty() -> bytes:
    return b""


def whitespace_only() -> bytes:
    return b"\r\n   \r\n\t\r\n"


def header_only() -> bytes:
    return _utf8(_line(HEADER) + "\n")


def truncated_mid_row() -> bytes:
    # The export was cut off (disk full, download interrupted) in the middle of row 6.
    text = _csv(ROWS)
    return _utf8(text + "1005;1;29-03-2024 10:00;K5;Karin Hvi")


def truncated_in_quotes() -> bytes:
    # Cut off inside a quoted field: the last row's quote never closes.
    text = _csv(ROWS)
    return _utf8(text + '1005;1;29-03-2024 10:00;K5;Karin Hvid;karin@example.dk;"Kaffe med')


def nul_byte() -> bytes:
    # One NUL byte inside a name (a till system's fixed-width field leaking through).
    rows = [list(r) for r in ROWS]
    rows[2][4] = "Åse\x00 Øberg"
    return _utf8(_csv(rows))


def nul_padded_tail() -> bytes:
    # A file pre-allocated by the exporting program and never trimmed: 4 kB of NULs at the end.
    return _utf8(_csv(ROWS)) + b"\x00" * 4096


def mixed_encodings() -> bytes:
    # Two exports pasted together: the first half UTF-8, the second Windows-1252.
    head = _csv(ROWS[:3]).encode("utf-8")
    tail = ("\n".join(_line(r) for r in ROWS[3:]) + "\n").encode("cp1252")
    return head + tail


def latin1() -> bytes:
    return _csv(ROWS, eol="\r\n").encode("cp1252")


def duplicate_headers() -> bytes:
    header = [*HEADER[:8], "Beløb", "Beløb", "Status"]
    rows = [[*r[:8], "999,00", r[8], r[9]] for r in ROWS]  # first Beløb is the one used
    return _utf8(_csv(rows, header=header))


def blank_headers() -> bytes:
    header = [*HEADER[:6], "", *HEADER[6:], ""]
    rows = [[*r[:6], "x", *r[6:], ""] for r in ROWS]
    return _utf8(_csv(rows, header=header))


def embedded_newline_and_stray_quote() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[0][6] = '"Kaffe\nmed ""mælk"""'  # a proper quoted field over two lines
    rows[2][6] = 'Hue 12" bred'  # a stray inch mark in an unquoted field
    return _utf8(_csv(rows))


def two_thousand_columns() -> bytes:
    extra = [f"Felt {i}" for i in range(1, 2001 - len(HEADER))]
    header = [*HEADER, *extra]
    rows = [[*r, *([""] * len(extra))] for r in ROWS]
    for i, r in enumerate(rows):
        r[len(HEADER) + i * 97] = f"værdi {i}"
    return _utf8(_csv(rows, header=header))


def dates_1900_and_2999() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[1][2] = "01-01-1900"  # a placeholder date
    rows[3][2] = "31-12-2999 00:00"  # "never expires"
    return _utf8(_csv(rows))


def dates_both_orders() -> bytes:
    # Every day is 12 or less: 03/05/2024 could be 3 May or 5 March.
    rows = [list(r) for r in ROWS]
    for r, d in zip(rows, ["03/05/2024", "03/05/2024", "04/05/2024", "06/07/2024", "12/11/2024"], strict=True):
        r[2] = d
    return _utf8(_csv(rows))


def negative_and_zero_amounts() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[1][8] = "0,00"  # a free gift
    rows[3][8] = "-45,00"  # a refund line
    rows[4][8] = "(396,00)"  # an accounting-style credit
    return _utf8(_csv(rows))


def amounts_with_letters() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[0][8] = "1.234,50 DKK"  # a currency word: fine
    rows[1][8] = "ca. 30"  # refused
    rows[2][8] = "299,OO"  # letter O for zero: refused
    rows[3][8] = "gratis"  # refused
    rows[4][8] = "NaN"  # refused
    return _utf8(_csv(rows))


def thousands_other_locale() -> bytes:
    # An English-locale Excel saved the amounts: comma thousands, point decimals.
    rows = [list(r) for r in ROWS]
    for r, a in zip(rows, ["1,234.50", "29.95", "12,500.00", "45.00", "1,000"], strict=True):
        r[8] = a
    return _utf8(_csv(rows))


def scores_out_of_range() -> bytes:
    header = ["Tidsstempel", "E-mailadresse", "Hvor sandsynligt er det, at du vil anbefale os til en ven?", "Hvorfor?"]
    answers = [
        ("10", "Super"), ("9", ""), ("10 - Meget sandsynligt", "Godt"), ("8", ""), ("0", "Aldrig igen"),
        ('"9,0"', ""), ("6", "Lang levering"), ("7", ""), ("5", "Dyrt"), ("11", "Meget!"),
        ("-1", "Dårligt"), ("ti", "Ti ud af ti"), ("", "Ved ikke"), ('"7,5"', "Midt imellem"),
    ]  # fmt: skip
    rows = [
        [f"2024/03/{10 + i} 10:00:00", f"kunde{i}@example.dk", score, comment]
        for i, (score, comment) in enumerate(answers)
    ]
    return _utf8(_csv(rows, header=header, delimiter=","))


def survey_ragged_row() -> bytes:
    # A sheet saved as CSV by hand: one comment has an unquoted comma.
    header = ["Dato", "E-mail", "Anbefaling (0-10)", "Kommentar"]
    rows = [
        ["25-03-2024", "mette@example.dk", "9", "Fin kaffe"],
        ["26-03-2024", "bo@example.dk", "6", "Godt, men dyr fragt"],
        ["27-03-2024", "ase@example.dk", "10", "Super"],
    ]
    return _utf8(_csv(rows, header=header, delimiter=","))


def xlsx_really_csv() -> bytes:
    return _utf8(_csv(ROWS))


def csv_really_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("ordrer.csv", date_time=(2024, 3, 8, 12, 0, 0))
        zf.writestr(info, _csv(ROWS))
    return buffer.getvalue()


def _workbook(fill: Callable[[object, object], None]) -> bytes:
    import xlsxwriter  # only this script needs it at write time

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": XLSX_DATE, "author": "kunde tests"})
    sheet = workbook.add_worksheet("Ordrer")
    fill(workbook, sheet)
    workbook.close()
    return buffer.getvalue()


def _plain_orders(workbook, sheet) -> None:  # type: ignore[no-untyped-def]
    sheet.write_row(0, 0, HEADER)
    for i, r in enumerate(ROWS, start=1):
        sheet.write_row(i, 0, r)


def corrupt_xlsx() -> bytes:
    # A workbook whose download stopped half way: a zip with no central directory.
    data = _workbook(_plain_orders)
    return data[: len(data) // 2]


def xlsx_broken_sheet_xml() -> bytes:
    # A complete zip with Excel's parts, but the sheet's XML is garbage.
    original = zipfile.ZipFile(io.BytesIO(_workbook(_plain_orders)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 3] + b"<<<not xml"
            entry = zipfile.ZipInfo(item.filename, date_time=(2024, 3, 8, 12, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, data)
    return buffer.getvalue()


def merged_two_header_rows() -> bytes:
    def fill(workbook, sheet) -> None:  # type: ignore[no-untyped-def]
        bold = workbook.add_format({"bold": True, "align": "center"})
        sheet.merge_range(0, 0, 0, 3, "Ordre", bold)
        sheet.merge_range(0, 4, 0, 5, "Kunde", bold)
        sheet.merge_range(0, 6, 0, 9, "Vare og betaling", bold)
        sheet.write_row(1, 0, HEADER, bold)
        dates = [datetime(2024, 3, d, 12, 0) for d in (5, 5, 6, 7, 8)]
        money = workbook.add_format({"num_format": "#,##0.00"})
        when = workbook.add_format({"num_format": "dd-mm-yyyy hh:mm"})
        for i, (r, d) in enumerate(zip(ROWS, dates, strict=True), start=2):
            sheet.write_number(i, 0, int(r[0]))
            sheet.write_number(i, 1, int(r[1]))
            sheet.write_datetime(i, 2, d, when)
            sheet.write_row(i, 3, r[3:7])
            sheet.write_number(i, 7, int(r[7]))
            sheet.write_number(i, 8, float(r[8].replace(".", "").replace(",", ".")), money)
            sheet.write(i, 9, r[9])

    return _workbook(fill)


def xlsx_error_cells() -> bytes:
    # Formulas that failed in Excel: #REF! and #DIV/0! where amounts should be.
    def fill(workbook, sheet) -> None:  # type: ignore[no-untyped-def]
        sheet.write_row(0, 0, HEADER)
        for i, r in enumerate(ROWS, start=1):
            sheet.write_row(i, 0, r[:8])
            sheet.write(i, 9, r[9])
            amount = float(r[8].replace(".", "").replace(",", "."))
            if i == 2:
                sheet.write_formula(i, 8, "=1/0", None, "#DIV/0!")
            elif i == 4:
                sheet.write_formula(i, 8, "=#REF!*2", None, "#REF!")
            else:
                sheet.write_number(i, 8, amount)

    return _workbook(fill)


def xlsx_first_sheet_empty() -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": XLSX_DATE, "author": "kunde tests"})
    workbook.add_worksheet("Forside")
    sheet = workbook.add_worksheet("Data")
    _plain_orders(workbook, sheet)
    workbook.close()
    return buffer.getvalue()


# --- a password-protected workbook: an OLE compound file ------------------------------

_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512

#: The EncryptionInfo of Excel's "Encrypt with password" (agile encryption, ECMA-376
#: part 3 §2.3.4.10); the key values are fixed dummies, the shape is Excel's.
_AGILE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
    'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
    '<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
    'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="a3VuZGUta3VuZGUta3VuZA=="/>'
    '<dataIntegrity encryptedHmacKey="a3VuZGU=" encryptedHmacValue="a3VuZGU="/>'
    '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
    '<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
    'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
    'saltValue="a3VuZGUta3VuZGUta3VuZA==" encryptedVerifierHashInput="a3VuZGU=" '
    'encryptedVerifierHashValue="a3VuZGU=" encryptedKeyValue="a3VuZGU="/>'
    "</keyEncryptor></keyEncryptors></encryption>"
)


def _dir_entry(name: str, kind: int, *, left: int = _NOSTREAM, right: int = _NOSTREAM,
               child: int = _NOSTREAM, start: int = _ENDOFCHAIN, size: int = 0) -> bytes:  # fmt: skip
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,  # 0 unused, 1 storage, 2 stream, 5 root
        1,  # black
        left,
        right,
        child,
        b"\x00" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def password_protected_xlsx() -> bytes:
    """What Excel writes for File > Protect Workbook > Encrypt with Password.

    Not a zip: an OLE compound file (CFB v3) whose streams are ``EncryptionInfo`` (the
    key parameters) and ``EncryptedPackage`` (the AES-encrypted .xlsx). Built here with
    the same structure and dummy key material, because no encryption tool is part of
    kunde's dependencies; a reader sees exactly what it sees in a real encrypted file
    (it cannot decrypt either without the password).
    """
    info = struct.pack("<HHI", 4, 4, 0x40) + _AGILE_XML.encode("utf-8")
    info = info.ljust(4096, b" ")  # ≥ 4096 bytes: a regular stream (no mini stream needed)
    rng = random.Random(20240308)
    package = struct.pack("<Q", 6144) + bytes(rng.getrandbits(8) for _ in range(6144))
    n_info = -(-len(info) // _SECTOR)
    n_pkg = -(-len(package) // _SECTOR)
    info_start, pkg_start = 2, 2 + n_info
    n_sectors = pkg_start + n_pkg
    fat = [_FATSECT, _ENDOFCHAIN]
    for start, count in ((info_start, n_info), (pkg_start, n_pkg)):
        fat += [start + k + 1 for k in range(count - 1)] + [_ENDOFCHAIN]
    assert len(fat) == n_sectors <= _SECTOR // 4
    fat += [_FREESECT] * (_SECTOR // 4 - len(fat))
    # Directory: root → EncryptedPackage, whose left sibling is EncryptionInfo (CFB
    # orders names by length first).
    directory = (
        _dir_entry("Root Entry", 5, child=2)
        + _dir_entry("EncryptionInfo", 2, start=info_start, size=len(info))
        + _dir_entry("EncryptedPackage", 2, left=1, start=pkg_start, size=len(package))
        + _dir_entry("", 0)
    )
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,  # 512-byte sectors
        6,  # 64-byte mini sectors
        b"\x00" * 6,
        0,  # directory sectors (0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,  # mini stream cutoff
        _ENDOFCHAIN,  # no mini FAT
        0,
        _ENDOFCHAIN,  # no DIFAT sectors
        0,
    )
    difat = struct.pack("<109I", 0, *([_FREESECT] * 108))
    out = bytearray(header + difat)
    assert len(out) == _SECTOR
    out += struct.pack(f"<{_SECTOR // 4}I", *fat)
    out += directory
    out += info.ljust(n_info * _SECTOR, b"\x00")
    out += package.ljust(n_pkg * _SECTOR, b"\x00")
    return bytes(out)


def unicode_decomposed_and_emoji() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[0][4] = "Rene\u0301 A\u030akjær"  # René Åkjær with combining marks (macOS, some web forms)
    rows[2][4] = "A\u030ase Øberg 🌸"  # Å as A + combining ring, and an emoji
    rows[4][4] = "Mette 👩🏽‍🍳 Lund"  # a zero-width-joined emoji sequence
    rows[4][6] = "Krus ☕"
    return _utf8(_csv(rows))


def emails_case_and_spaces() -> bytes:
    # No customer number: the e-mail is the customer, however it was typed.
    header = ["Ordrenummer", "Ordredato", "Navn", "E-mail", "Beløb"]
    rows = [
        ["2001", "25-03-2024", "Søren", "soren@example.dk", "100,00"],
        ["2002", "26-03-2024", "Søren", "Soren@Example.DK", "200,00"],
        ["2003", "27-03-2024", "Søren", "  soren@example.dk ", "300,00"],
        ["2004", "28-03-2024", "Søren", "SOREN@EXAMPLE.DK\u00a0", "400,00"],
        ["2005", "29-03-2024", "Åse", "ase@example.dk", "50,00"],
    ]
    return _utf8(_csv(rows, header=header))


def formula_looking_names() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[0][4] = '=HYPERLINK("http://example.com/x","Klik her")'
    rows[1][4] = "+45 12 34 56 78"
    rows[2][4] = "@SUM(A1:A9)"
    rows[3][4] = "-2+3+cmd|' /C calc'!A0"
    rows[4][8] = "=1+2"  # formula in an amount: refused, and escaped in rejects.csv
    return _utf8(_csv([[_quoted(c) for c in r] for r in rows]))


def _quoted(cell: str) -> str:
    """A cell as CSV writes it: quoted, inner quotes doubled, when it holds a quote."""
    return '"' + cell.replace('"', '""') + '"' if '"' in cell else cell


def html_in_comments() -> bytes:
    header = ["Tidsstempel", "E-mailadresse", "Hvor sandsynligt er det, at du vil anbefale os til en ven?", "Hvorfor?"]
    comments = [
        "<script>alert('hej')</script>", "<b>Rigtig</b> god service &amp; hurtig levering",
        '<img src=x onerror="alert(1)">', "Helt fin <3", "<!-- kommentar -->",
    ]  # fmt: skip
    rows = [
        [f"2024/03/{10 + i} 10:00:00", f"kunde{i}@example.dk", str(score), '"' + c.replace('"', '""') + '"']
        for i, (score, c) in enumerate(zip([10, 9, 2, 7, 8], comments, strict=True))
    ]
    return _utf8(_csv(rows, header=header, delimiter=","))


def cr_only_newlines() -> bytes:
    return _utf8(_csv(ROWS, eol="\r"))


def utf16_unicode_text() -> bytes:
    # Excel's "Unicode text (*.txt)": UTF-16 LE with BOM, tab-separated, CRLF.
    return codecs.BOM_UTF16_LE + _csv(ROWS, delimiter="\t", eol="\r\n").encode("utf-16-le")


def title_rows() -> bytes:
    lead = "Ordreeksport fra Webshoppen\nPeriode: 01-03-2024 til 31-03-2024\n\n"
    return _utf8(lead + _csv(ROWS))


def trailing_empty_columns() -> bytes:
    return _utf8("\n".join(_line(r) + ";;;;" for r in [HEADER, *ROWS]) + "\n")


def bom_semicolon() -> bytes:
    return codecs.BOM_UTF8 + _utf8(_csv(ROWS, eol="\r\n"))


def blank_lines_between() -> bytes:
    lines = [_line(HEADER), _line(ROWS[0]), "", _line(ROWS[1]), ";;;;;;;;;", _line(ROWS[2]), "", "", *(_line(r) for r in ROWS[3:])]  # fmt: skip
    return _utf8("\n".join(lines) + "\n")


def ragged_rows() -> bytes:
    text = _csv(ROWS)
    return _utf8(text + "1005;1;09-03-2024;K5;Karin;karin@example.dk;Te;1;45,00;Betalt;ekstra;felt\n")


def decimal_comma_in_comma_file() -> bytes:
    # A comma-separated export whose amounts use an unquoted decimal comma: every row
    # has one field more than the header.
    rows = [[*r[:8], r[8].replace(".", ""), r[9]] for r in ROWS]
    return _utf8(_csv(rows, delimiter=","))


_SHOPIFY = [
    "Name", "Email", "Financial Status", "Paid at", "Accepts Marketing", "Currency", "Subtotal",
    "Shipping", "Total", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
    "Billing Name", "Billing City", "Billing Zip", "Billing Country", "Billing Phone", "Cancelled at",
    "Refunded Amount", "Vendor",
]  # fmt: skip
_SHOPIFY_ROWS = [
    ["#1001", "mette@example.dk", "paid", "2024-03-05 14:22:10 +0100", "yes", "DKK", "348.00", "39.00", "387.00", "2024-03-05 14:22:09 +0100", "2", "Kaffebønner", "149.00", "Mette Lund", "Aarhus", "8000", "DK", "+4512345678", "", "0.00", "Kaffebønnen"],
    ["#1001", "mette@example.dk", "", "", "", "", "", "", "", "2024-03-05 14:22:09 +0100", "1", "Filtre", "50.00", "", "", "", "", "", "", "", "Kaffebønnen"],
    ["#1002", "bo@example.dk", "refunded", "2024-03-06 09:10:00 +0100", "no", "DKK", "299.00", "0.00", "299.00", "2024-03-06 09:09:58 +0100", "1", "Kværn", "299.00", "Bo Ærenlund", "Odense", "5000", "DK", "", "", "299.00", "Kaffebønnen"],
    ["#1003", "ase@example.dk", "paid", "2024-03-07 18:00:00 +0100", "yes", "DKK", "45.00", "39.00", "84.00", "2024-03-07 18:00:00 +0100", "1", "Te", "45.00", "Åse Øberg", "Vejle", "7100", "DK", "", "", "0.00", "Kaffebønnen"],
]  # fmt: skip


def _shopify(drop: set[str]) -> bytes:
    keep = [i for i, h in enumerate(_SHOPIFY) if h not in drop]
    header = [_SHOPIFY[i] for i in keep]
    rows = [[r[i] for i in keep] for r in _SHOPIFY_ROWS]
    return _utf8(_csv(rows, header=header, delimiter=","))


def shopify_missing_lineitem_price() -> bytes:
    # Columns removed in a spreadsheet before upload: only the order total is left.
    return _shopify({"Lineitem price"})


def shopify_missing_dates() -> bytes:
    return _shopify({"Created at", "Paid at"})


def surveymonkey_two_header_rows() -> bytes:
    header = ["Respondent ID", "Collector ID", "Start Date", "End Date", "Email Address", "First Name", "Last Name",
              "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?", "Hvorfor gav du den score?"]  # fmt: skip
    sub = ["", "", "", "", "", "", "", "Response", "Open-Ended Response"]
    rows = [
        ["1145001", "4312", "03/11/2024 10:02:11 AM", "03/11/2024 10:04:53 AM", "mette@example.dk", "Mette", "Lund", "10", "Altid frisk kaffe"],
        ["1145002", "4312", "03/11/2024 01:15:40 PM", "03/11/2024 01:18:02 PM", "bo@example.dk", "Bo", "Ærenlund", "3", "For dyr fragt"],
        ["1145003", "4312", "03/12/2024 08:30:00 PM", "03/12/2024 08:33:12 PM", "", "", "", "", ""],
        ["1145004", "4312", "03/13/2024 09:00:00 AM", "03/13/2024 09:01:00 AM", "ase@example.dk", "Åse", "Øberg", "8", ""],
    ]  # fmt: skip
    body = [header, sub, *rows]
    return codecs.BOM_UTF8 + _utf8("\r\n".join(",".join(_csv_cell(c) for c in r) for r in body) + "\r\n")


def _csv_cell(cell: str) -> str:
    return f'"{cell}"' if "," in cell or '"' in cell else cell


def pdf_renamed() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"


def html_saved_as_xls() -> bytes:
    # Many web shops' "Export to Excel" is an HTML table with an .xls name.
    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in ROWS)
    return _utf8(f"<HTML><HEAD><meta charset='utf-8'></HEAD><BODY><TABLE><tr>{cells}</tr>{body}</TABLE></BODY></HTML>\n")


def json_export() -> bytes:
    return _utf8('[{"order": 1001, "amount": 1234.5}, {"order": 1002, "amount": 299}]\n')


def no_amount_column() -> bytes:
    header = [h for h in HEADER if h != "Beløb"]
    rows = [[c for h, c in zip(HEADER, r, strict=True) if h != "Beløb"] for r in ROWS]
    return _utf8(_csv(rows, header=header))


def dates_with_month_names() -> bytes:
    rows = [list(r) for r in ROWS]
    for r, d in zip(rows, ["5. marts 2024", "5. marts 2024", "6. marts 2024", "7. marts 2024", "8. marts 2024"], strict=True):
        r[2] = d
    return _utf8(_csv(rows))


def excel_serial_dates() -> bytes:
    rows = [list(r) for r in ROWS]
    for r, d in zip(rows, ["45356", "45356", "45357", "45358", "45359"], strict=True):
        r[2] = d
    return _utf8(_csv(rows))


def every_row_refused() -> bytes:
    rows = [list(r) for r in ROWS]
    for r in rows:
        r[8] = "ukendt"
    return _utf8(_csv(rows))


def same_line_twice() -> bytes:
    return _utf8(_csv([*ROWS, ROWS[2], ROWS[0]]))


def missing_customer_on_some_rows() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[3][3] = rows[3][5] = ""  # no customer number, no e-mail
    rows[4][2] = ""  # no date
    return _utf8(_csv(rows))


def impossible_dates() -> bytes:
    rows = [list(r) for r in ROWS]
    rows[1][2] = "31-02-2024 10:00"
    rows[3][2] = "00-03-2024"
    return _utf8(_csv(rows))


def only_a_message() -> bytes:
    # What some systems export when the period had no orders.
    return _utf8("Ingen ordrer i den valgte periode\n")


def iso_dates_with_zones() -> bytes:
    rows = [list(r) for r in ROWS]
    for r, d in zip(rows, ["2024-03-05T14:22:00+01:00", "2024-03-05T14:22:00+01:00", "2024-03-06T09:10:00Z",
                           "2024-03-07 18:00:00 +0100", "2024-03-08T11:45:00.123+01:00"], strict=True):  # fmt: skip
        r[2] = d
    return _utf8(_csv(rows))


def whitespace_padded_values() -> bytes:
    rows = [[f"  {c} " for c in r] for r in ROWS]
    return _utf8(_csv(rows))


def double_cr_line_ends() -> bytes:
    # Saved on Windows, then "fixed" by a tool that added another CR: \r\r\n.
    return _utf8(_csv(ROWS, eol="\r\r\n"))


#: file name → (writer, what is wrong with it). The order is the README's order.
CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty.csv": (empty, "0 bytes"),
    "whitespace_only.csv": (whitespace_only, "only blank lines and spaces"),
    "header_only.csv": (header_only, "a header and no rows (a quiet month)"),
    "truncated_mid_row.csv": (truncated_mid_row, "download cut off in the middle of the last row"),
    "truncated_in_quotes.csv": (truncated_in_quotes, "cut off inside a quoted field that never closes"),
    "nul_byte.csv": (nul_byte, "one NUL byte inside a name"),
    "nul_padded_tail.csv": (nul_padded_tail, "4 kB of NUL bytes after the last row"),
    "mixed_encodings.csv": (mixed_encodings, "first rows UTF-8, last rows Windows-1252"),
    "latin1_crlf.csv": (latin1, "Windows-1252 with CRLF line ends (Danish Excel)"),
    "duplicate_headers.csv": (duplicate_headers, "two columns called Beløb"),
    "blank_headers.csv": (blank_headers, "header cells left empty"),
    "embedded_newline_stray_quote.csv": (embedded_newline_and_stray_quote, 'a quoted field over two lines and a stray " in an unquoted one'),
    "two_thousand_columns.csv": (two_thousand_columns, "2,000 columns (a product-option explosion)"),
    "dates_1900_and_2999.csv": (dates_1900_and_2999, "placeholder dates 01-01-1900 and 31-12-2999"),
    "dates_both_orders.csv": (dates_both_orders, "every date reads day-first and month-first (03/05/2024)"),
    "negative_and_zero_amounts.csv": (negative_and_zero_amounts, "a free gift (0,00), a refund (-45,00) and an accounting credit (396,00)"),
    "amounts_with_letters.csv": (amounts_with_letters, "amounts such as 'ca. 30', '299,OO', 'gratis', 'NaN'"),
    "thousands_other_locale.csv": (thousands_other_locale, "English-locale amounts (1,234.50) in a Danish semicolon file"),
    "scores_out_of_range.csv": (scores_out_of_range, "survey scores 11, -1, 'ti', 7,5 and empty"),
    "survey_ragged_row.csv": (survey_ragged_row, "a survey sheet whose comment has an unquoted comma"),
    "xlsx_really_csv.xlsx": (xlsx_really_csv, "a CSV file named .xlsx"),
    "csv_really_zip.csv": (csv_really_zip, "a zip archive named .csv"),
    "corrupt.xlsx": (corrupt_xlsx, "a workbook cut off half way"),
    "broken_sheet_xml.xlsx": (xlsx_broken_sheet_xml, "a complete .xlsx zip whose sheet XML is garbage"),
    "password_protected.xlsx": (password_protected_xlsx, "an encrypted workbook (OLE compound file with EncryptionInfo/EncryptedPackage)"),
    "merged_two_header_rows.xlsx": (merged_two_header_rows, "merged group cells above the real header row"),
    "error_cells.xlsx": (xlsx_error_cells, "#DIV/0! and #REF! where amounts should be"),
    "first_sheet_empty.xlsx": (xlsx_first_sheet_empty, "an empty cover sheet before the data"),
    "unicode_decomposed_emoji.csv": (unicode_decomposed_and_emoji, "letters as base + combining mark, emoji in names"),
    "emails_case_and_spaces.csv": (emails_case_and_spaces, "one customer's e-mail in four spellings (case, spaces, NBSP)"),
    "formula_looking_names.csv": (formula_looking_names, "names such as =HYPERLINK(…), +45 12 34 56 78, @SUM(…)"),
    "html_in_comments.csv": (html_in_comments, "survey comments with <script>, <img onerror> and entities"),
    "cr_only_newlines.csv": (cr_only_newlines, "old Mac line ends (CR only)"),
    "utf16_unicode_text.txt": (utf16_unicode_text, "Excel 'Unicode text': UTF-16 LE, tabs"),
    "title_rows.csv": (title_rows, "two title lines and a blank line above the header"),
    "trailing_empty_columns.csv": (trailing_empty_columns, "every line ends in ;;;;"),
    "bom_semicolon.csv": (bom_semicolon, "UTF-8 BOM, semicolons, CRLF"),
    "blank_lines_between.csv": (blank_lines_between, "blank and all-empty lines between the rows"),
    "ragged_rows.csv": (ragged_rows, "a row with two fields more than the header"),
    "decimal_comma_in_comma_file.csv": (decimal_comma_in_comma_file, "comma-separated with unquoted decimal commas"),
    "shopify_missing_lineitem_price.csv": (shopify_missing_lineitem_price, "Shopify export without 'Lineitem price'"),
    "shopify_missing_dates.csv": (shopify_missing_dates, "Shopify export without 'Created at' and 'Paid at'"),
    "surveymonkey_two_header_rows.csv": (surveymonkey_two_header_rows, "SurveyMonkey: question row + sub-answer row, a partial response"),
    "pdf_renamed.csv": (pdf_renamed, "a PDF invoice named .csv"),
    "html_saved_as.xls": (html_saved_as_xls, "an HTML table named .xls (a web shop's 'Excel export')"),
    "json_export.csv": (json_export, "JSON named .csv"),
    "no_amount_column.csv": (no_amount_column, "the amount column was deleted"),
    "dates_with_month_names.csv": (dates_with_month_names, "dates such as '5. marts 2024'"),
    "excel_serial_dates.csv": (excel_serial_dates, "dates as Excel serial numbers (45356)"),
    "every_row_refused.csv": (every_row_refused, "no row has a usable amount"),
    "same_line_twice.csv": (same_line_twice, "two order lines repeated in the same file"),
    "missing_customer_and_date.csv": (missing_customer_on_some_rows, "a row without customer or e-mail, a row without date"),
    "impossible_dates.csv": (impossible_dates, "31-02-2024 and 00-03-2024"),
    "only_a_message.csv": (only_a_message, "'Ingen ordrer i den valgte periode' and nothing else"),
    "iso_dates_with_zones.csv": (iso_dates_with_zones, "ISO timestamps with Z, +01:00, +0100 and milliseconds"),
    "whitespace_padded_values.csv": (whitespace_padded_values, "every cell padded with spaces"),
    "double_cr_line_ends.csv": (double_cr_line_ends, "lines ending in CR CR LF"),
}

#: Written only at test time (see the module docstring).
HUGE_FIELD_NAME = "huge_field_5mb.csv"
HUGE_FIELD_BYTES = 5 * 1024 * 1024


def write_huge_field(path: Path) -> Path:
    """A 5 MB single field: an order note someone pasted a base64 image into."""
    rng = random.Random(5)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    blob = "".join(rng.choice(alphabet) for _ in range(1024)) * (HUGE_FIELD_BYTES // 1024)
    header = [*HEADER, "Note"]
    rows = [[*r, ""] for r in ROWS]
    rows[1][-1] = "iVBORw0KGgoAAAANSUhEUgAA" + blob
    # One ragged row too, so the tolerant reader (not only Polars) meets the big field.
    ragged = "1005;1;29-03-2024 10:00;K5;Karin;karin@example.dk;Te;1;45,00;Betalt;;ekstra\n"
    path.write_bytes(_utf8(_csv(rows, header=header) + ragged))
    return path


def build(out: Path = DEFAULT_OUT) -> list[Path]:
    """Write every case into ``out`` (created if needed) and its README; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (writer, _) in CASES.items():
        path = out / name
        path.write_bytes(writer())
        written.append(path)
    lines = [
        "# Bad-input corpus",
        "",
        "Written by `tests/data/make_bad_corpus.py` (do not edit by hand; run the script).",
        "Expected outcomes: `tests/reliability/test_bad_corpus.py`. Written at test time",
        f"instead of stored: `{HUGE_FIELD_NAME}` (a 5 MB single field).",
        "",
        "| file | what is wrong |",
        "|---|---|",
        *(f"| `{name}` | {what.replace('|', '/')} |" for name, (_, what) in CASES.items()),
        "",
    ]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    files = build(target)
    print(f"wrote {len(files)} files to {target}")
