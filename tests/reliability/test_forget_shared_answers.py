"""`kunde forget --customer` on one id of a shared e-mail leaves the other's answers alone.

Hans (K5) and Grethe (K6) share the family e-mail; the survey answer from that e-mail
has no customer number. Erasing K5 must not clear or move it (it is reachable only
through a key K6 still has), and the message says an answer was kept for the other
customer. An answer under Hans's own e-mail is erased.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kunde_cli import schema as s
from kunde_cli.store import Workspace
from tests.reliability.conftest import kunde, no_traceback

FORMS = "Tidsstempel,E-mailadresse,Hvor sandsynligt er det at du vil anbefale os?,Kommentar"


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_only_the_erased_ids_own_answers_go(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    orders = write(
        tmp_path / "ordrer.csv",
        [
            "Ordrenr;Kundenr;Navn;E-mail;Ordredato;Beløb;Status",
            "1;K5;Hans Jensen;familien.jensen@example.dk;15-01-2024;100,00;Betalt",
            "2;K5;Hans Jensen;hans@example.dk;20-01-2024;50,00;Betalt",
            "3;K6;Grethe Jensen;familien.jensen@example.dk;16-01-2024;200,00;Betalt",
        ],
    )
    survey = write(
        tmp_path / "svar.csv",
        [
            FORMS,
            "20/02/2024 10:15:07,familien.jensen@example.dk,10,Grethe her",
            "21/02/2024 09:00:00,hans@example.dk,4,Hans her",
        ],
    )
    assert kunde("ingest", orders, survey, "-w", ws).exit_code == 0
    result = kunde("forget", "K5", "--customer", "K5", "-w", ws, "--yes", "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    assert "1 survey answer(s): email, name, comment cleared" in result.stdout
    assert "1 survey answer(s) from an e-mail another customer also has were not erased" in (
        result.stdout
    )
    answers = Workspace(ws).scan_survey().collect().sort(s.SCORE)  # type: ignore[union-attr]
    assert answers[s.COMMENT].to_list() == [None, "Grethe her"]
    assert answers[s.EMAIL].to_list() == [None, "familien.jensen@example.dk"]
    hans = answers.filter(pl.col(s.SCORE) == 4)[s.CUSTOMER_ID].item()
    assert hans.startswith("erased-")
