"""Terminal escape sequences in data never reach the terminal (issue 14, point 10).

Shop customers choose their own names, so a name, product, city, column header or file
name can hold ESC/CSI/OSC sequences: a window title (OSC 0), a screen clear (CSI 2J),
a clipboard write (OSC 52), a hidden link (OSC 8), or the one-byte C1 CSI 0x9B. What
kunde prints to a terminal shows each control character as a visible escape
(``\\x1b``); CSV and JSON files keep the bytes. Data is never read as Rich markup.

Through CliRunner there is no terminal, so Rich adds no styling of its own: any control
character in the output came from the data.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.table import Table
from rich.text import Text

from kunde_cli.render.safety import safe_rich_text, safe_text, terminal_safe
from kunde_cli.render.terminal import SafeConsole, rich_table
from reliability.conftest import kunde, no_traceback

ESC, BEL, CSI1 = "\x1b", "\x07", "\x9b"
TITLE = f"{ESC}]0;pwned{BEL}"
CLEAR = f"{ESC}[2J"
CLIPBOARD = f"{ESC}]52;c;ZXZpbA=={BEL}"
LINK = f"{ESC}]8;;http://evil.example{ESC}\\klik her{ESC}]8;;{ESC}\\"
C1 = f"{CSI1}31m"
MARKUP = "[bold]fed[/bold] [/]"
EVIL_NAME = f"Anna{TITLE} {CLEAR}{CLIPBOARD}{LINK} {C1} {MARKUP}"

#: C0 except tab and newline, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def controls(text: str) -> list[str]:
    return CONTROL.findall(text)


def orders_csv(folder: Path, name: str = "ordrer.csv") -> Path:
    """Three customers, three orders each; K1's name, everyone's product and city, a
    status word, a column header and (optionally) the file name carry escapes."""
    rows = [f'Ordrenummer;Ordredato;Kundenummer;Navn;E-mail;Beløb;By;Produkt;Status;"Note{CLEAR}"']
    people = [("K1", EVIL_NAME), (f"K2{CLEAR}", "Bo"), ("K3", "Carl")]
    for i, (cid, person) in enumerate(people * 3):
        rows.append(
            f'{1000 + i};{10 + i:02d}-03-2024;"{cid}";"{person}";k{i % 3}@x.dk;{100 + i},00;'
            f'"Ærø{CLEAR}";"Kaffe{C1}2J";Betalt;"hej{TITLE}"'
        )
    rows.append(f'1098;30-03-2024;K3;Carl;k2@x.dk;10,00;Ærø;Kaffe;"Betalt{CSI1}";x')
    rows.append(f'1099;31-03-2024;K3;Carl;k2@x.dk;"12{CLEAR}";Ærø;Kaffe;Betalt;x')
    path = folder / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def orders(tmp_path) -> Path:
    return orders_csv(tmp_path)


# --- the escaping itself ----------------------------------------------------------------


def test_every_control_character_is_shown_as_a_visible_escape():
    for code in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]:
        shown = terminal_safe(f"a{chr(code)}b")
        assert shown == f"a\\x{code:02x}b", hex(code)
    assert terminal_safe("tab\there\nnext line") == "tab\there\nnext line"
    assert terminal_safe("Søren Ærø – 100 %") == "Søren Ærø – 100 %"
    assert terminal_safe("abc\u202edcba") == "abc\\u202edcba"  # bidi override
    assert terminal_safe(EVIL_NAME).startswith("Anna\\x1b]0;pwned\\x07 \\x1b[2J\\x1b]52;c;")


def test_data_is_never_read_as_rich_markup():
    console = SafeConsole(file=io.StringIO(), highlight=False, width=80)
    console.print(safe_text(MARKUP))
    assert console.file.getvalue().strip() == MARKUP


def test_styled_text_keeps_its_styles_and_loses_its_controls():
    text = Text("Segment: ", style="bold")
    text.append(f"x{ESC}y", style="red")
    clean = safe_rich_text(text)
    assert clean.plain == "Segment: x\\x1by"
    assert [(s.start, s.end, str(s.style)) for s in clean.spans] == [(9, 15, "red")]
    assert str(clean.style) == "bold"


def test_the_console_keeps_its_own_styling_but_escapes_the_data():
    """In a real terminal Rich writes colour codes: those stay, the data's do not."""
    sink = io.StringIO()
    console = SafeConsole(file=sink, force_terminal=True, color_system="standard", width=80)
    table = Table(title="t")
    table.add_column("navn")
    table.add_row(Text(EVIL_NAME, style="bold"))  # not escaped beforehand: the backstop
    console.print(table)
    out = sink.getvalue()
    assert f"{ESC}[1m" in out  # Rich's bold
    assert TITLE not in out and CLEAR not in out and f"{ESC}]52" not in out
    assert f"{ESC}]8" not in out and CSI1 not in out
    assert "\\x1b]52;c;" in out
    # Every ESC left is the start of an SGR colour code that Rich wrote itself.
    assert re.sub(r"\x1b\[[0-9;]*m", "", out).count(ESC) == 0


def test_rich_table_escapes_headers_cells_and_title():
    import polars as pl

    frame = pl.DataFrame({f"navn{CLEAR}": [EVIL_NAME], "kroner": [12.5]})
    sink = io.StringIO()
    SafeConsole(file=sink, width=200).print(rich_table(frame, title=f"T{TITLE}"))
    out = sink.getvalue()
    assert controls(out) == []
    assert "navn\\x1b[2J" in out and "T\\x1b]0;pwned\\x07" in out and MARKUP in out


# --- through the commands -------------------------------------------------------------


def test_explain_shows_a_hostile_name_escaped(orders):
    result = kunde("explain", "K1", orders, "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert controls(result.stdout) == [] and controls(result.stderr) == []
    assert "Anna\\x1b]0;pwned" in result.stdout  # (Rich itself drops BEL from Text)
    assert "\\x1b]52;c;ZXZpbA==" in result.stdout  # the clipboard write, harmless
    assert "\\x1b]8;;http://evil.example" in result.stdout  # the hidden link, visible
    assert "\\x9b31m" in result.stdout
    assert "[bold]fed[/bold]" in result.stdout  # markup shown as typed


def test_explain_csv_and_json_keep_the_bytes(orders):
    """Files and pipes carry data, not a display: the name is kept as it is."""
    csv = kunde("explain", "K1", orders, "--format", "csv")
    assert csv.exit_code == 0, csv.stderr
    assert EVIL_NAME in csv.stdout
    js = kunde("explain", "K1", orders, "--format", "json")
    assert js.exit_code == 0, js.stderr
    import json

    assert json.loads(js.stdout)["name"] == EVIL_NAME


def test_inspect_escapes_file_name_headers_cells_and_problems(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short path, so the heading shows the whole name
    path = orders_csv(Path(), name=f"eksport{TITLE}.csv")
    result = kunde("inspect", path)
    assert result.exit_code == 0, result.stderr
    no_traceback(result.stdout, result.stderr)
    assert controls(result.stdout) == [] and controls(result.stderr) == []
    out = result.stdout
    assert "eksport\\x1b]0;pwned\\x07.csv" in out  # the file name
    assert "Note\\x1b[2J" in out  # an unused column header
    assert "Ærø\\x1b[2J" in out  # a city in the sample rows
    assert "12\\x1b[2J" in out  # the refused amount, as the problem example
    assert "[bold]fed[" in out  # markup shown as typed (the cell may fold after it)


def test_inspect_json_keeps_the_bytes(orders):
    import json

    result = kunde("inspect", orders, "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload[0]["sample"][0]["name"] == EVIL_NAME


def test_segment_tables_escape_customer_ids(orders):
    for by in ("customer", "segment"):
        result = kunde("segment", orders, "--by", by, "--format", "table")
        assert result.exit_code == 0, result.stderr
        assert controls(result.stdout) == [] and controls(result.stderr) == [], by
    assert "K2\\x1b" in kunde("segment", orders, "--by", "customer", "--format", "table").stdout


def test_ingest_notes_and_error_messages_are_escaped(tmp_path, orders):
    ingest = kunde("ingest", orders, "--workspace", tmp_path / "ws")
    assert ingest.exit_code == 0, ingest.stderr
    assert controls(ingest.stdout) == [] and controls(ingest.stderr) == []
    missing = kunde("inspect", tmp_path / f"findes{CLEAR}ikke.csv")
    assert missing.exit_code == 2
    assert controls(missing.stdout) == [] and controls(missing.stderr) == []


def test_forget_prints_ids_and_paths_without_control_characters(tmp_path: Path) -> None:
    """The forget summary names the customer ids and the query: they are data."""
    ws = tmp_path / "ws"
    export = tmp_path / "ordrer.csv"
    export.write_text(
        "Ordrenr;Kundenr;E-mail;Dato;Beløb\n1;K\x1b[2J\x9b1;a@b.dk;05-03-2024;100,00\n",
        encoding="utf-8",
    )
    assert kunde("ingest", export, "-w", ws).exit_code == 0
    result = kunde("forget", "a@b.dk", "-w", ws, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
    assert "\\x1b" in result.stdout  # shown, as an escape
