"""Decisions about what an export means are said, not taken silently (issue 13):
guest ids, shared ids, the price reading and a log without amounts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kunde_cli.cli.main import app

runner = CliRunner()


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_guest_ids_and_an_id_with_many_emails_are_reported(tmp_path: Path) -> None:
    # Kundenr 0 is a guest (matched by e-mail); K9 is one id with five e-mails (a shared
    # account); order 7 has no customer at all.
    rows = [
        "1;01-03-2024;0;g1@example.dk;100,00",
        "2;02-03-2024;0;g2@example.dk;100,00",
        *(f"{3 + i};03-03-2024;K9;k9-{i}@example.dk;50,00" for i in range(5)),
        "8;04-03-2024;;;75,00",
    ]
    path = tmp_path / "ordrer.csv"
    path.write_text("Ordre;Dato;Kundenr;E-mail;Beløb\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path), "-w", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    err = one_line(result.stderr)
    assert "2 linjer har 'Kundenr' '0', som betyder ingen konto (en gæst)" in err
    assert "kunde-id 'K9' har 5 forskellige e-mailadresser" in err
    assert "1 linjer har hverken kunde-id, e-mail eller telefon" in err
    english = runner.invoke(app, ["ingest", str(path), "-w", str(tmp_path / "en"), "--lang", "en"])
    err_en = one_line(english.stderr)
    assert "2 lines have 'Kundenr' '0', which means no account (a guest)" in err_en
    assert "customer id 'K9' carries 5 different e-mail addresses" in err_en
    assert "1 lines have no customer id, e-mail or phone" in err_en
    # Two guests + K9 are 3 customers; the anonymous 75 kr. is in the shop's total.
    assert (
        "Talt med: 8 køb for 525,00 kr. fra 3 kunder (heraf 1 køb for 75,00 kr. uden kendt kunde)."
        in err
    )


def test_an_ambiguous_price_is_decided_from_the_data_and_said(tmp_path: Path) -> None:
    # "Pris" repeats for the same product at other quantities: a unit price.
    # A: 2 × 75 + 1 × 50 = 200; B: 1 × 75 = 75.
    path = tmp_path / "salg.csv"
    path.write_text(
        "Ordre;Dato;Kunde;Vare;Antal;Pris\n"
        "1;01-03-2024;A;Te;2;75,00\n"
        "1;01-03-2024;A;Kop;1;50,00\n"
        "2;02-03-2024;B;Te;1;75,00\n"
        "3;03-03-2024;B;Kop;3;50,00\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "'Pris' læst som stykpris × antal: 2 varer har samme pris" in one_line(result.stdout)
    english = runner.invoke(app, ["inspect", str(path), "--lang", "en"])
    assert "'Pris' read as unit price × quantity: 2 products keep their price" in one_line(
        english.stdout
    )
    # --map amount=Pris overrides: then Pris is the line total (A: 125).
    seg = runner.invoke(
        app, ["segment", str(path), "--by", "customer", "-f", "csv", "--map", "amount=Pris"]
    )
    assert seg.exit_code == 0, seg.output
    assert "Talt med: 3 køb for 250,00 kr." in one_line(seg.stderr)
    seg = runner.invoke(app, ["segment", str(path), "--by", "customer", "-f", "csv"])
    assert "Talt med: 3 køb for 425,00 kr." in one_line(seg.stderr)  # 200 + 75 + 150


def test_a_log_without_amounts_says_why_money_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("Kunde;Dato\nA;01-03-2024\nA;05-03-2024\nB;02-03-2024\n", encoding="utf-8")
    result = runner.invoke(app, ["ladder", str(path), "-f", "csv"])
    assert result.exit_code == 0, result.output
    err = one_line(result.stderr)
    assert "Talt med: 3 køb for 0,00 kr. fra 2 kunder." in err
    assert "dataene har ingen beløb" in err
