"""Issue 15 attacked (points 1, 2 and 7): the stored orders and customers tables and the
explicit order basis must give the answers the order lines give.

The invariant: for any workspace and any ``--as-of``, every analysis equals what a basis
built from the lines alone gives (``OrderBasis.of(lines, as_of=day)``, no tables) — the
same as reading the export directly, or with ``--currency`` naming the one currency (both
read the lines). Nothing is lost or leaks, and a reader never mixes two commits.

Tests written against f9e49bb showed defects there (all fixed since, one still marked as an
expected failure with its reason); the ``test_guarantee_*`` tests pass and pin what was checked and
holds. Exports are written as Danish shops and invoice systems write them (semicolons,
decimal commas, ``kr.``, Danish status words, a ``Krediterer`` column naming the invoice
a credit note credits).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kunde_cli.analytics.orders import OrderBasis
from kunde_cli.analytics.tables import build_tables
from kunde_cli.store import Workspace
from reliability.conftest import kunde, kunde_process, no_traceback

SHOP = "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Telefon;Beløb;Status"
INVOICES = "Fakturanr.;Dato;Kundenr.;Navn;E-mail;Tekst;Krediterer;Valuta;Beløb;Status"
SURVEY = (
    "Tidsstempel,E-mailadresse,"
    '"Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?",'
    "Hvad er den vigtigste grund til din score?"
)


def write(path: Path, header: str, rows: list[str], mtime: str | None = None) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    if mtime is not None:
        stamp = datetime.strptime(mtime, "%Y-%m-%d %H:%M").timestamp()
        os.utime(path, (stamp, stamp))
    return path


def ingest(ws: Path, *files: Path) -> None:
    result = kunde("ingest", *files, "-w", ws)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr


def run(*args: str | Path) -> tuple[str, str]:
    """``kunde ARGS`` that must succeed: (stdout, the headline sentence on stderr)."""
    result = kunde(*args)
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    headline = re.split(r" \d+ kunder med mindst", " ".join(result.stderr.split()))[0]
    return result.stdout, headline


def manifest(ws: Path) -> dict:
    return json.loads((ws / "manifest.json").read_text(encoding="utf-8"))


def keys(ws: Path) -> dict[str, int]:
    tables = Workspace(ws).read_tables()
    assert tables is not None
    return dict(tables.customers.select("customer_id", "customer_key").iter_rows())


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(pl.all().exclude(pl.Float64, pl.Boolean), nulls_last=True)


# --- 1. atomicity: lines and tables of one commit --------------------------------------


def test_a_reader_never_gets_the_lines_of_one_commit_and_the_tables_of_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cron job ingests April's export (order 2 refunded since March) while the owner's
    ``kunde segment`` is starting. The reader took March's lines; if it also took April's
    tables, K2's order counts in the lines it holds and not in its customer summary."""
    from kunde_cli import load

    ws = tmp_path / "ws"
    march = write(
        tmp_path / "ordrer-marts.csv",
        SHOP,
        [
            "1;1;10-03-2024 10:00;K1;Anna Ahl;anna@example.dk;22334455;500,00;Betalt",
            "2;1;11-03-2024 11:00;K2;Bo Berg;bo@example.dk;33445566;300,00;Betalt",
            "3;1;12-03-2024 12:00;K3;Cai Carl;cai@example.dk;44556677;200,00;Betalt",
        ],
        mtime="2024-03-31 18:00",
    )
    april = write(
        tmp_path / "ordrer-april.csv",
        SHOP,
        [
            "1;1;10-03-2024 10:00;K1;Anna Ahl;anna@example.dk;22334455;500,00;Betalt",
            "2;1;11-03-2024 11:00;K2;Bo Berg;bo@example.dk;33445566;300,00;Refunderet",
            "3;1;12-03-2024 12:00;K3;Cai Carl;cai@example.dk;44556677;200,00;Betalt",
            "4;1;05-04-2024 09:00;K1;Anna Ahl;anna@example.dk;22334455;150,00;Betalt",
        ],
        mtime="2024-04-30 18:00",
    )
    ingest(ws, march)
    original = Workspace.scan_orders
    writer: list[int] = []

    def scan_then_a_writer_commits(self: Workspace) -> pl.LazyFrame:
        lines = original(self)
        if not writer:  # another process's ingest commits right after this read
            done = kunde_process("ingest", april, "-w", ws)
            writer.append(done.returncode)
        return lines

    monkeypatch.setattr(Workspace, "scan_orders", scan_then_a_writer_commits)
    loaded = load(None, ws, as_of=date(2024, 3, 31), quiet=True)
    assert writer == [0]
    held = loaded.orders
    from_lines = OrderBasis.of(held.lines.collect(), as_of=held.as_of)
    assert_frame_equal(_sorted(held.customers), _sorted(from_lines.customers))


# --- 2. as-of dates inside orders ------------------------------------------------------


def test_a_credit_note_dated_before_the_invoice_it_names_is_not_lost_at_an_earlier_as_of(
    tmp_path: Path,
) -> None:
    """Hotel Fjord (1008) pays a 200 kr. deposit back on 18 April against invoice 10040,
    which is dated on delivery, 25 April, and made out to Lise Holm (1007). On 20 April
    the lines (the export read directly, or the workspace with --currency DKK) deduct
    the credit note from Hotel Fjord: 1.225 − 200 = 1.025 kr. From the stored tables the
    credit note is neither in the invoice (not there yet) nor on its own date: gone."""
    export = write(
        tmp_path / "fakturaer.csv",
        INVOICES,
        [
            "10021;02-04-2024;1001;Café Bønnen ApS;info@cafebonnen.dk;Kaffebønner, 10 kg;;"
            "DKK;kr. 2.450,00;Betalt",
            "10035;05-04-2024;1008;Hotel Fjord A/S;booking@hotelfjord.dk;Kaffebønner, 5 kg;;"
            "DKK;kr. 1.225,00;Betalt",
            "10041;18-04-2024;1008;Hotel Fjord A/S;booking@hotelfjord.dk;"
            "Kreditnota: depositum retur;10040;DKK;-200,00 kr.;Kreditnota",
            "10040;25-04-2024;1007;Lise Holm;lise.holm@mail.dk;Kaffemaskine;;DKK;"
            "kr. 4.999,00;Betalt",
        ],
    )
    ws = tmp_path / "ws"
    ingest(ws, export)
    args = ("segment", "--by", "customer", "--as-of", "2024-04-20", "--format", "csv")
    direct, direct_headline = run(*args, export)
    lines, _ = run(*args, "-w", ws, "--currency", "DKK")
    assert direct == lines  # both read the lines
    assert "1008,15,1,1025.0," in direct
    stored, stored_headline = run(*args, "-w", ws)
    assert stored == direct
    assert stored_headline == direct_headline


def test_the_headline_revenue_is_the_same_with_and_without_the_stored_tables(
    tmp_path: Path,
) -> None:
    """A cash refund at the counter (no customer number) credits 199 kr. of Bageriet
    Krumme's invoice 10023. Revenue is 2.450 + 1.199 − 199 + 640 = 4.090 kr. — what the
    workspace says; the same workspace with --currency DKK (its only currency) and the
    same export read directly say 3.891 kr. and one credit note."""
    export = write(
        tmp_path / "fakturaer.csv",
        INVOICES,
        [
            "10021;02-04-2024;1001;Café Bønnen ApS;info@cafebonnen.dk;Kaffebønner, 10 kg;;"
            "DKK;kr. 2.450,00;Betalt",
            "10023;05-04-2024;1003;Bageriet Krumme I/S;ordre@krumme.dk;Te og honning;;DKK;"
            "kr. 1.199,00;Betalt",
            "10028;16-04-2024;1003;Bageriet Krumme I/S;ordre@krumme.dk;Honning, 12 glas;;DKK;"
            "kr. 640,00;Betalt",
            "10031;22-04-2024;;Kontantsalg;;Kreditnota: 1 glas honning knust;10023;DKK;"
            "-199,00 kr.;Kreditnota",
        ],
    )
    ws = tmp_path / "ws"
    ingest(ws, export)
    args = ("segment", "--by", "customer", "--format", "csv")
    _, stored = run(*args, "-w", ws)
    assert "4.090,00 kr." in stored
    _, one_currency = run(*args, "-w", ws, "--currency", "DKK")
    _, direct = run(*args, export)
    assert one_currency == stored
    assert direct == stored


def test_a_customer_whose_only_line_is_a_credit_note_keeps_their_contact_details(
    tmp_path: Path,
) -> None:
    """Hotel Fjord (1009) received Bageriet Krumme's honey and got the credit note for the
    broken glass; it then answers the survey with a 3. The detractor list names the
    hotel from its order lines — unless the workspace reads the stored tables."""
    export = write(
        tmp_path / "fakturaer.csv",
        INVOICES,
        [
            "10023;05-04-2024;1003;Bageriet Krumme I/S;ordre@krumme.dk;Te og honning;;DKK;"
            "kr. 1.199,00;Betalt",
            "10031;22-04-2024;1009;Hotel Fjord A/S;booking@hotelfjord.dk;"
            "Kreditnota: 1 glas honning knust;10023;DKK;-199,00 kr.;Kreditnota",
        ],
    )
    answers = write(
        tmp_path / "nps_svar.csv",
        SURVEY,
        ["2024/04/23 12:05:45 GMT+1,booking@hotelfjord.dk,3,Knust glas"],
    )
    ws = tmp_path / "ws"
    ingest(ws, export, answers)
    args = ("nps", "--list", "detractors", "--format", "csv")
    direct, _ = run(*args, export, answers)
    lines, _ = run(*args, "-w", ws, "--currency", "DKK")
    assert direct == lines
    assert direct.splitlines()[1].startswith("Hotel Fjord A/S,booking@hotelfjord.dk,3,")
    stored, _ = run(*args, "-w", ws)
    assert stored == direct


def test_guarantee_as_of_dates_inside_orders_give_the_lines_answers(tmp_path: Path) -> None:
    """Checked and holds: a refund line dated after its order, a credit note naming an
    earlier invoice (same and another customer), a guest's part and a known part of one
    order number, a till's order 17 beside the web shop's 17 with a refund naming it:
    at every as-of date around them the workspace (stored tables) answers as the lines
    (--currency DKK reads the lines) and as the exports read directly."""
    web = write(
        tmp_path / "web.csv",
        "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Beløb;Valuta;Status;Krediterer",
        [
            "17;1;02-04-2024 10:00;K1;Anna Ahl;anna@example.dk;400,00;DKK;Betalt;",
            "17;2;09-04-2024 10:00;K1;Anna Ahl;anna@example.dk;-100,00;DKK;Refunderet;",
            "18;1;03-04-2024 11:00;K2;Bo Berg;bo@example.dk;300,00;DKK;Betalt;",
            "19;1;04-04-2024 12:00;;;;120,00;DKK;Betalt;",
            "19;2;04-04-2024 12:00;K3;Cai Carl;cai@example.dk;80,00;DKK;Betalt;",
            "20;1;05-04-2024 12:00;K3;Cai Carl;cai@example.dk;250,00;DKK;Betalt;",
            "K21;1;12-04-2024 09:00;K2;Bo Berg;bo@example.dk;-300,00;DKK;Kreditnota;18",
            "K22;1;15-04-2024 09:00;K4;Dea Dahl;dea@example.dk;-50,00;DKK;Kreditnota;20",
            "23;1;16-04-2024 09:00;K4;Dea Dahl;dea@example.dk;90,00;DKK;Betalt;",
        ],
        mtime="2024-04-30 18:00",
    )
    till = write(
        tmp_path / "kasse.csv",
        "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Beløb;Valuta;Status;Krediterer",
        [
            "17;1;06-04-2024 14:00;K5;Eva Enge;eva@example.dk;700,00;DKK;Betalt;",
            "R1;1;10-04-2024 14:00;K5;Eva Enge;eva@example.dk;-200,00;DKK;Kreditnota;17",
        ],
        mtime="2024-04-30 18:00",
    )
    ws = tmp_path / "ws"
    ingest(ws, web)
    result = kunde("ingest", till, "-w", ws, "--source", "kasse")
    assert result.exit_code == 0, result.stderr
    for day in ("2024-04-02", "2024-04-05", "2024-04-09", "2024-04-11", "2024-04-14",
                "2024-04-15", "2024-04-30"):  # fmt: skip
        args = ("segment", "--by", "customer", "--as-of", day, "--format", "csv")
        stored, _ = run(*args, "-w", ws)
        lines, _ = run(*args, "-w", ws, "--currency", "DKK")
        assert stored == lines, day
    # Every analysis of the basis, in process, at those dates.
    folder = Workspace(ws)
    held = folder.scan_orders().collect()
    tables = folder.read_tables()
    assert tables is not None
    for day in (date(2024, 4, d) for d in (1, 2, 5, 9, 10, 11, 12, 14, 15, 16, 30)):
        stored = OrderBasis.of(held, as_of=day, tables=tables)
        plain = OrderBasis.of(held, as_of=day)
        for part in ("orders", "customers", "days", "contacts"):
            assert_frame_equal(
                _sorted(getattr(stored, part)), _sorted(getattr(plain, part)), check_dtypes=False
            )


# --- 3. customer keys ------------------------------------------------------------------

ANNA_GUEST = "1;1;02-05-2024 10:00;;Anna Ahl;anna@example.dk;;500,00;Betalt"
BO = "2;1;03-05-2024 10:00;K5;Bo Berg;bo@example.dk;;300,00;Betalt"
CAI = "3;1;04-05-2024 10:00;K7;Cai Carl;cai@example.dk;;200,00;Betalt"


def test_a_guest_who_makes_an_account_keeps_her_customer_key(tmp_path: Path) -> None:
    """Anna bought as a guest in May (known by her e-mail), then made an account (K1) and
    bought again in June. She is one customer before and after; her key must stay."""
    ws = tmp_path / "ws"
    ingest(ws, write(tmp_path / "maj.csv", SHOP, [ANNA_GUEST, BO, CAI]))
    before = keys(ws)
    anna = before["anna@example.dk"]
    ingest(
        ws,
        write(
            tmp_path / "juni.csv",
            SHOP,
            ["4;1;02-06-2024 10:00;K1;Anna Ahl;anna@example.dk;;150,00;Betalt"],
        ),
    )
    after = keys(ws)
    assert "anna@example.dk" not in after  # one customer, under the account's id now
    assert after["K1"] == anna
    assert after["K5"] == before["K5"] and after["K7"] == before["K7"]


def test_the_key_of_a_customer_merged_away_is_never_given_to_a_new_customer(
    tmp_path: Path,
) -> None:
    """Bodil (K7) orders with Bo's e-mail in June: the household becomes one customer
    (K5) and key 2 (Bodil's) is no longer used. Dan, new in July, must not get key 2 —
    a list or a fit kept under key 2 would then speak of Dan as Bodil."""
    ws = tmp_path / "ws"
    ingest(
        ws,
        write(
            tmp_path / "maj.csv",
            SHOP,
            [BO, "5;1;03-05-2024 12:00;K7;Bodil Berg;bodil@example.dk;;200,00;Betalt"],
        ),
    )
    bodil = keys(ws)["K7"]
    ingest(
        ws,
        write(
            tmp_path / "juni.csv",
            SHOP,
            ["6;1;02-06-2024 10:00;K7;Bodil Berg;bo@example.dk;;150,00;Betalt"],
        ),
    )
    assert set(keys(ws)) == {"K5"}
    ingest(
        ws,
        write(
            tmp_path / "juli.csv",
            SHOP,
            ["7;1;02-07-2024 10:00;K8;Dan Dahl;dan@example.dk;;100,00;Betalt"],
        ),
    )
    assert keys(ws)["K8"] != bodil


KNOWN_RENUMBERING = (
    "a write without a table builder drops the tables entry (and deletes the files), so the "
    "next builder has no previous customers table and numbers every key afresh"
)


@pytest.mark.xfail(strict=True, reason=KNOWN_RENUMBERING)
def test_a_write_without_a_builder_does_not_renumber_the_customer_keys(tmp_path: Path) -> None:
    """K5 and K7 came first (keys 1 and 2), K1 later (key 3). A script using the
    Workspace API without a builder (as bench/run.py does) forgets Cai; the next kunde
    command rebuilds the tables — and Bo, Anna and everyone else must keep their keys."""
    ws = tmp_path / "ws"
    ingest(ws, write(tmp_path / "maj.csv", SHOP, [BO, CAI]))
    ingest(
        ws,
        write(
            tmp_path / "juni.csv",
            SHOP,
            ["4;1;02-06-2024 10:00;K1;Anna Ahl;anna@example.dk;;150,00;Betalt"],
        ),
    )
    before = keys(ws)
    assert before == {"K5": 1, "K7": 2, "K1": 3}
    Workspace(ws).forget("cai@example.dk")
    run("segment", "--by", "customer", "-w", ws)  # rebuilds the tables
    after = keys(ws)
    assert after["K5"] == 1 and after["K1"] == 3


def test_guarantee_keys_are_kept_across_re_ingests_and_new_customers_get_new_ones(
    tmp_path: Path,
) -> None:
    """Checked and holds: the same export again, an overlapping newer export (one order
    refunded) and a new customer keep every key; the new one gets the next number."""
    ws = tmp_path / "ws"
    first = write(tmp_path / "maj.csv", SHOP, [BO, CAI], mtime="2024-05-31 18:00")
    ingest(ws, first)
    before = keys(ws)
    ingest(ws, first)
    newer = write(
        tmp_path / "maj-igen.csv",
        SHOP,
        [
            BO.replace("Betalt", "Refunderet"),
            CAI,
            "8;1;20-05-2024 10:00;K2;Dea Dahl;dea@example.dk;;90,00;Betalt",
        ],
        mtime="2024-06-01 18:00",
    )
    ingest(ws, newer)
    after = keys(ws)
    assert {k: after[k] for k in before} == before
    assert after["K2"] == max(before.values()) + 1


# --- 4. the files: damaged, missing, linked, killed, the same bytes -------------------


def _shop(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ingest(
        ws,
        write(
            tmp_path / "ordrer.csv",
            SHOP,
            [
                "1001;1;02-05-2024 10:00;K1;Anna Ahl;anna@example.dk;22334455;500,00;Betalt",
                "1002;1;09-05-2024 12:00;K2;Bo Berg;bo@example.dk;33445566;300,00;Betalt",
                "1003;1;15-05-2024 09:00;K1;Anna Ahl;anna@example.dk;22334455;250,00;Betalt",
                "1004;1;20-05-2024 15:00;K3;Cai Carl;cai@example.dk;44556677;90,00;Annulleret",
            ],
        ),
    )
    return ws


@pytest.mark.parametrize("damage", ["truncated", "garbage", "swapped"])
def test_a_damaged_tables_file_is_a_one_line_error_or_read_from_the_lines(
    tmp_path: Path, damage: str
) -> None:
    ws = _shop(tmp_path)
    expected, _ = run("segment", "--by", "customer", "-w", ws, "--format", "csv")
    entry = manifest(ws)["tables"]
    orders, customers = ws / entry["orders"], ws / entry["customers"]
    if damage == "truncated":
        orders.write_bytes(orders.read_bytes()[:900])
    elif damage == "garbage":
        customers.write_bytes(b"garbage\n")
    else:
        orders.write_bytes(customers.read_bytes())
    result = kunde("segment", "--by", "customer", "-w", ws, "--format", "csv")
    no_traceback(result.stdout, result.stderr)
    # An exception that escaped kunde's one-line error handling (a traceback when run).
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 0:
        assert result.stdout == expected  # a safe fallback: the lines' answer
    else:
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: ")


@pytest.mark.parametrize("damage", ["deleted", "folder deleted", "link"])
def test_a_missing_or_linked_tables_file_is_built_again_from_the_lines(
    tmp_path: Path, damage: str
) -> None:
    """The tables are derived from the lines: one that is gone, or a link planted in its
    place (never followed), is built again from the lines, with a note, and the answer
    is the lines' answer."""
    ws = _shop(tmp_path)
    expected, _ = run("segment", "--by", "customer", "-w", ws, "--format", "csv")
    entry = manifest(ws)["tables"]
    orders = ws / entry["orders"]
    moved = tmp_path / "elsewhere.parquet"
    if damage == "deleted":
        orders.unlink()
    elif damage == "folder deleted":
        for path in (ws / "tables").iterdir():
            path.unlink()
        (ws / "tables").rmdir()
    else:
        orders.rename(moved)
        orders.symlink_to(moved)
    result = kunde("segment", "--by", "customer", "-w", ws, "--format", "csv")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert "bygget igen ud fra ordrelinjerne" in result.stderr
    rebuilt = manifest(ws)["tables"]
    assert rebuilt["orders"] != entry["orders"]
    assert not (ws / rebuilt["orders"]).is_symlink()
    if damage == "link":
        assert moved.is_file()  # the link's target is left alone
        assert not orders.is_symlink()  # the planted link is gone with the old entry


def test_guarantee_an_ingest_killed_after_writing_the_tables_leaves_the_old_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between the new tables and the manifest (no cleanup runs): readers see the
    old lines with the old tables; the next writer removes the unlisted tables."""
    from kunde_cli.ingest import ReadOptions, read_any
    from kunde_cli.store import SourceInfo, commit

    ws = _shop(tmp_path)
    args = ("segment", "--by", "customer", "-w", ws, "--format", "csv")
    before, _ = run(*args)
    listed = manifest(ws)["tables"]
    more = write(
        tmp_path / "juni.csv",
        SHOP,
        ["1005;1;02-06-2024 10:00;K2;Bo Berg;bo@example.dk;33445566;700,00;Betalt"],
    )
    original = commit.WorkspaceCommit._write_bytes_atomic

    def killed(self, target, write_):
        if target.name == "manifest.json":
            raise KeyboardInterrupt  # SIGKILL: nothing after this runs
        return original(self, target, write_)

    monkeypatch.setattr(commit.WorkspaceCommit, "_write_bytes_atomic", killed)
    read = read_any(more, ReadOptions())
    with pytest.raises(KeyboardInterrupt):
        Workspace(ws, tables=build_tables).append_orders(
            read.frame, read.rejects, source=SourceInfo(more)
        )
    monkeypatch.undo()
    left = {f"tables/{p.name}" for p in (ws / "tables").iterdir()}
    assert left > {listed["orders"], listed["customers"]}  # the new tables were written
    assert manifest(ws)["tables"] == listed
    assert run(*args)[0] == before
    ingest(ws, more)
    entry = manifest(ws)["tables"]
    assert {f"tables/{p.name}" for p in (ws / "tables").iterdir()} == {
        entry["orders"],
        entry["customers"],
    }


def test_guarantee_the_same_exports_give_byte_identical_tables(tmp_path: Path) -> None:
    """Two fresh workspaces from the same exports (refund lines, credit notes, guests,
    two shop systems) hold tables files with the same bytes."""
    web = write(
        tmp_path / "web.csv",
        "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Vare;Beløb;Status;Krediterer",
        [
            "17;1;02-04-2024 10:00;K1;Anna Ahl;anna@example.dk;Te;400,00;Betalt;",
            "17;2;02-04-2024 10:00;K1;Anna Ahl;anna@example.dk;Kaffe;100,00;Betalt;",
            "17;3;09-04-2024 10:00;K1;Anna Ahl;anna@example.dk;Kaffe;-100,00;Refunderet;",
            "18;1;03-04-2024 11:00;K2;Bo Berg;bo@example.dk;Kop;300,00;Betalt;",
            "19;1;04-04-2024 12:00;;;;Te;120,00;Betalt;",
            "K21;1;12-04-2024 09:00;K2;Bo Berg;bo@example.dk;Kop;-300,00;Kreditnota;18",
        ],
    )
    till = write(
        tmp_path / "kasse.csv",
        "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Vare;Beløb;Status;Krediterer",
        ["17;1;06-04-2024 14:00;K5;Eva Enge;eva@example.dk;Te;700,00;Betalt;"],
    )
    digests = []
    for name in ("a", "b"):
        ws = tmp_path / name
        ingest(ws, web)
        assert kunde("ingest", till, "-w", ws, "--source", "kasse").exit_code == 0
        entry = manifest(ws)["tables"]
        digests.append([(ws / entry[kind]).read_bytes() for kind in ("orders", "customers")])
    assert digests[0] == digests[1]


# --- 5. forget ---------------------------------------------------------------------------


def test_guarantee_a_forgotten_customer_leaves_no_trace_in_tables_or_cache(
    tmp_path: Path,
) -> None:
    """After a report (fit cache, report record) and ``kunde forget``, no file under
    tables/ or cache/ holds her name, e-mail, phone or customer number, and only the
    tables the manifest lists are left."""
    ws = _shop(tmp_path)
    out = tmp_path / "rapporter"
    result = kunde("report", "-w", ws, "-d", out)
    assert result.exit_code == 0, result.stderr
    result = kunde("forget", "anna@example.dk", "-w", ws, "--yes")
    assert result.exit_code == 0, result.stderr
    secrets = ("anna@example.dk", "Anna Ahl", "22334455", "K1")
    entry = manifest(ws)["tables"]
    assert {f"tables/{p.name}" for p in (ws / "tables").iterdir()} == {
        entry["orders"],
        entry["customers"],
    }
    for folder in ("tables", "cache"):
        for path in (ws / folder).rglob("*") if (ws / folder).exists() else []:
            if path.suffix == ".parquet":
                frame = pl.read_parquet(path)
                text = frame.select(pl.col(pl.String)).write_csv()
            else:
                text = path.read_text(encoding="utf-8", errors="replace")
            for secret in secrets:
                assert secret not in text, (path, secret)
    customers = Workspace(ws).read_tables().customers
    assert "K1" not in customers.get_column("customer_id").to_list()


# --- 6. kunde.toml [status] and currencies ------------------------------------------------


def test_guarantee_a_status_word_read_as_a_credit_note_is_answered_from_the_lines(
    tmp_path: Path,
) -> None:
    """kunde.toml reads the till's word "Kreditering" as a credit note: the stored
    tables (built with the standard words) are not used, and the workspace answers as
    the export read directly with the same kunde.toml."""
    export = write(
        tmp_path / "ordrer.csv",
        SHOP,
        [
            "1;1;02-05-2024 10:00;K1;Anna Ahl;anna@example.dk;;500,00;Betalt",
            "2;1;09-05-2024 12:00;K1;Anna Ahl;anna@example.dk;;200,00;Kreditering",
            "3;1;10-05-2024 12:00;K2;Bo Berg;bo@example.dk;;300,00;Betalt",
        ],
    )
    config = tmp_path / "kunde.toml"
    config.write_text('[status]\n"Kreditering" = "credit_note"\n', encoding="utf-8")
    ws = tmp_path / "ws"
    ingest(ws, export)
    args = ("segment", "--by", "customer", "--format", "csv", "--config", config)
    stored, headline = run(*args, "-w", ws)
    direct, direct_headline = run(*args, export)
    assert stored == direct and headline == direct_headline
    assert "K1,8,1,300.0," in stored  # 500 − 200


def test_guarantee_one_currency_of_several_is_answered_from_its_own_lines(
    tmp_path: Path,
) -> None:
    """A shop selling in DKK and EUR: --currency EUR and --currency DKK each answer from
    that currency's lines only, as the export read directly does."""
    export = write(
        tmp_path / "ordrer.csv",
        "Ordrenummer;Ordredato;Kundenummer;Navn;E-mail;Beløb;Valuta;Status",
        [
            "1;02-05-2024;K1;Anna Ahl;anna@example.dk;500,00;DKK;Betalt",
            "2;09-05-2024;K1;Anna Ahl;anna@example.dk;40,00;EUR;Betalt",
            "3;10-05-2024;K2;Bo Berg;bo@example.dk;300,00;DKK;Betalt",
            "4;11-05-2024;K3;Cai Carl;cai@example.dk;60,00;EUR;Betalt",
        ],
    )
    ws = tmp_path / "ws"
    ingest(ws, export)
    for code in ("EUR", "DKK"):
        args = ("segment", "--by", "customer", "--format", "csv", "--currency", code)
        stored, headline = run(*args, "-w", ws)
        direct, direct_headline = run(*args, export)
        assert stored == direct and headline == direct_headline, code
    eur, _ = run("segment", "--by", "customer", "--format", "csv", "--currency", "EUR", "-w", ws)
    assert "K2" not in eur and "K1,2,1,40.0," in eur
