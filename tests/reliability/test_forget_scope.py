"""`kunde forget` touches only the person asked for (issue 14, points 3 and 14).

Forgetting one e-mail used to erase a second customer who shared her phone, and a
placeholder phone (12345678, typed by a cashier for 25 walk-ins) erased all 25 and
merged them into one anonymous customer. Now a query names customer ids; a key on 3
or more customers is a placeholder and never matched; ids kunde counts as one customer
are listed and refused until ``--customer`` names whom; every erased customer gets its
own anonymous id, so the customer count and every other customer's numbers stay.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kunde_cli import schema as s
from kunde_cli.analytics.rfm import rfm_scores
from kunde_cli.store import Workspace
from kunde_cli.store.scope import PLACEHOLDER_MIN_CUSTOMERS
from reliability.conftest import kunde, no_traceback, snapshot

HEADER = "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Telefon;Beløb;Postnummer;By;Status"
AS_OF = "2024-06-30"


def _line(order: int, day: str, cid: str, name: str, email: str, phone: str, amount: str) -> str:
    return f"{order};1;{day} 10:00;{cid};{name};{email};{phone};{amount};5000;Odense;Betalt"


def _regulars() -> list[str]:
    """K01..K10: 1-4 orders each, own e-mail and phone, different amounts and dates."""
    rows, order = [], 100
    for i in range(1, 11):
        for j in range(1 + i % 4):
            order += 1
            day = f"{(i + 7 * j) % 28 + 1:02d}-{(i + j) % 6 + 1:02d}-2024"
            rows.append(
                _line(order, day, f"K{i:02d}", f"Kunde {i}", f"k{i}@example.dk",
                      f"4{i:07d}", f"{50 * i + 10 * j},00")
            )  # fmt: skip
    return rows


def _household() -> list[str]:
    """Anna (K20) and Bo (K21): two people, one landline."""
    return [
        _line(201, "05-01-2024", "K20", "Anna Ahl", "anna@example.dk", "22334455", "100,00"),
        _line(202, "06-02-2024", "K20", "Anna Ahl", "anna@example.dk", "22334455", "200,00"),
        _line(203, "07-03-2024", "K21", "Bo Berg", "bo@example.dk", "22 33 44 55", "300,00"),
    ]


def _walk_ins(n: int = 25, phone: str = "12345678") -> list[str]:
    """Walk-ins W01..Wnn with their own e-mails and the phone the cashier typed."""
    return [
        _line(300 + i, f"{i % 28 + 1:02d}-04-2024", f"W{i:02d}", f"Gæst {i}",
              f"w{i}@example.dk", phone, f"{20 + i},00")
        for i in range(1, n + 1)
    ]  # fmt: skip


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    export = tmp_path / "ordrer.csv"
    export.write_text(
        "\n".join([HEADER, *_regulars(), *_household(), *_walk_ins()]) + "\n", encoding="utf-8"
    )
    ws = tmp_path / "kunde-data"
    result = kunde("ingest", export, "--workspace", ws)
    assert result.exit_code == 0, result.stderr
    return ws


def per_customer(ws: Path) -> dict[str, tuple[str, ...]]:
    """`kunde segment --by customer --format csv`: customer id → the rest of its row."""
    result = kunde("segment", "--workspace", ws, "--by", "customer", "--format", "csv",
                   "--as-of", AS_OF)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][0] == "customer_id"
    return {row[0]: tuple(row[1:]) for row in rows[1:]}


def forget(ws: Path, *args: str):
    result = kunde("forget", *args, "--workspace", ws, "--yes", "--lang", "en")
    no_traceback(result.stdout, result.stderr)
    return result


def pseudonym_of(stdout: str) -> str:
    found = re.search(r"anonymous id (erased-[0-9a-f]{12})", stdout)
    assert found, stdout
    return found.group(1)


def stored_lines(ws: Path, customer: str) -> pl.DataFrame:
    """The stored (raw, unresolved) lines of one original customer id."""
    frames = [pl.read_parquet(p) for p in sorted((ws / "orders").glob("part-*.parquet"))]
    return pl.concat(frames).filter(pl.col(s.CUSTOMER_ID) == customer).sort(s.ORDER_ID)


# --- two people sharing a phone ---------------------------------------------------------


def test_shared_phone_forget_one_by_email_is_refused_with_the_list(shop):
    before = snapshot(shop)
    result = forget(shop, "anna@example.dk")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: 'anna@example.dk' is customer K20, but kunde counts K20, K21 as one "
        "customer (a shared phone); nothing was changed",
        "Hint: erase only K20: --customer K20 (the others then count on their own), or all "
        "of them: --customer K20,K21",
    ]
    assert result.stdout == ""
    assert snapshot(shop) == before


def test_shared_phone_forget_one_leaves_the_other_untouched(shop):
    bo_before = stored_lines(shop, "K21")
    rows_before = per_customer(shop)
    assert "K21" not in rows_before  # kunde counted Anna and Bo as one customer, K20
    result = forget(shop, "anna@example.dk", "--customer", "K20")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Erased the personal data of 'anna@example.dk' (customer id K20):"
    assert lines[1].startswith("  2 order line(s): email, name, phone, postcode, city cleared")
    assert lines[2].startswith("  Not erased: K21, which kunde counted as the same customer")
    pseudonym = pseudonym_of(result.stdout)
    # Bo's stored lines are byte for byte what they were: same id, e-mail, name, phone.
    assert stored_lines(shop, "K21").equals(bo_before)
    assert bo_before.height == 1 and bo_before[s.EMAIL].item() == "bo@example.dk"
    rows_after = per_customer(shop)
    # Anna's two orders (100 + 200) under her own anonymous id; Bo alone with his one.
    assert rows_after[pseudonym][1:3] == ("2", "300.0")
    assert rows_after["K21"][1:3] == ("1", "300.0")
    assert "K20" not in rows_after
    # One customer more (the household is two now), nobody else lost or merged.
    assert set(rows_after) - {pseudonym, "K21"} == set(rows_before) - {"K20"}
    # Nothing of Anna is left in the stored lines.
    assert stored_lines(shop, "K20").height == 0
    erased = stored_lines(shop, pseudonym)
    assert erased.height == 2
    assert erased.select(s.EMAIL, s.NAME, s.PHONE).null_count().row(0) == (2, 2, 2)


def test_shared_phone_itself_is_refused_with_both_ids(shop):
    before = snapshot(shop)
    result = forget(shop, "22 33 44 55")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: '22 33 44 55' is the phone of 2 customers (K20, K21); nothing was changed",
        "Hint: name whom to erase: kunde forget '22 33 44 55' --customer K20 (or all of them: "
        "--customer K20,K21)",
    ]
    assert snapshot(shop) == before
    named = forget(shop, "22 33 44 55", "--customer", "K21")
    assert named.exit_code == 0, named.stderr
    assert named.stdout.splitlines()[0] == (
        "Erased the personal data of '22 33 44 55' (customer id K21):"
    )
    assert stored_lines(shop, "K20").height == 2  # Anna untouched
    assert stored_lines(shop, "K20")[s.PHONE].to_list() == ["+4522334455"] * 2


def test_customer_must_be_among_those_the_query_reaches(shop):
    before = snapshot(shop)
    result = forget(shop, "anna@example.dk", "--customer", "K03")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "Error: --customer K03 is not among the customers 'anna@example.dk' reaches "
        "(K20, K21); nothing was changed"
    )
    assert snapshot(shop) == before


def test_both_ids_named_erase_the_whole_customer_under_one_id(shop):
    rows_before = per_customer(shop)
    result = forget(shop, "anna@example.dk", "--customer", "K20,K21")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "Erased the personal data of 'anna@example.dk' (customer id K20, K21):"
    )
    pseudonym = pseudonym_of(result.stdout)
    rows_after = per_customer(shop)
    assert len(rows_after) == len(rows_before)
    assert rows_after.pop(pseudonym) == rows_before.pop("K20")
    assert rows_after == rows_before  # every other customer byte-identical


# --- a placeholder phone ----------------------------------------------------------------


def test_placeholder_phone_is_never_matched(shop):
    before = snapshot(shop)
    rows_before = per_customer(shop)
    result = forget(shop, "12345678")
    assert result.exit_code == 2
    walk_ins = ", ".join(f"W{i:02d}" for i in range(1, 26))
    assert result.stderr.splitlines() == [
        f"Error: '12345678' is on the lines of 25 different customers ({walk_ins}): a shared "
        "phone (a placeholder), which kunde forget never erases by; nothing was changed",
        "Hint: name whom to erase: kunde forget '12345678' --customer W01, or give the id "
        "alone: kunde forget W01",
    ]
    assert snapshot(shop) == before
    assert per_customer(shop) == rows_before  # 10 + 1 + 25 customers, as before
    assert len(rows_before) == 36


def test_placeholder_phone_with_the_customer_named_erases_that_walk_in_only(shop):
    rows_before = per_customer(shop)
    result = forget(shop, "12 34 56 78", "--customer", "W07")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "Erased the personal data of '12 34 56 78' (customer id W07):"
    )
    assert "Not erased" not in result.stdout
    pseudonym = pseudonym_of(result.stdout)
    rows_after = per_customer(shop)
    assert len(rows_after) == 36
    assert rows_after.pop(pseudonym) == rows_before.pop("W07")
    assert rows_after == rows_before
    # The other walk-ins keep the phone; only W07's line lost it.
    assert stored_lines(shop, "W08")[s.PHONE].item() == "+4512345678"


def test_the_id_alone_erases_one_walk_in(shop):
    rows_before = per_customer(shop)
    result = forget(shop, "W12")
    assert result.exit_code == 0, result.stderr
    pseudonym = pseudonym_of(result.stdout)
    rows_after = per_customer(shop)
    assert rows_after.pop(pseudonym) == rows_before.pop("W12")
    assert rows_after == rows_before


def test_placeholder_shared_by_a_few_ids_that_kunde_merged(tmp_path):
    """Four walk-ins share 87654321: few enough that the identity map links them (one
    kunde customer). forget by the phone is refused as a placeholder; by one's e-mail,
    as ids counted together; --customer splits that one off."""
    export = tmp_path / "ordrer.csv"
    export.write_text(
        "\n".join([HEADER, *_regulars(), *_walk_ins(4, phone="87654321")]) + "\n",
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    assert kunde("ingest", export, "--workspace", ws).exit_code == 0
    assert PLACEHOLDER_MIN_CUSTOMERS == 3
    rows_before = per_customer(ws)
    assert "W01" in rows_before and "W02" not in rows_before  # merged into W01
    by_phone = forget(ws, "87654321")
    assert by_phone.exit_code == 2
    assert by_phone.stderr.startswith(
        "Error: '87654321' is on the lines of 4 different customers (W01, W02, W03, W04): "
        "a shared phone (a placeholder)"
    )
    by_email = forget(ws, "w3@example.dk")
    assert by_email.exit_code == 2
    assert by_email.stderr.startswith(
        "Error: 'w3@example.dk' is customer W03, but kunde counts W01, W02, W03, W04 as "
        "one customer (a shared phone)"
    )
    named = forget(ws, "w3@example.dk", "--customer", "W03")
    assert named.exit_code == 0, named.stderr
    pseudonym = pseudonym_of(named.stdout)
    rows_after = per_customer(ws)
    assert rows_after[pseudonym][1:3] == ("1", "23.0")  # W03's one order of 23,00
    assert rows_after["W01"][1:3] == ("3", "67.0")  # 21 + 22 + 24: the others stay together


# --- every other customer's numbers -----------------------------------------------------


@pytest.mark.parametrize("query", ["k3@example.dk", "K07", "40000009"])
def test_forget_one_customer_changes_no_other_customers_numbers(shop, query):
    target = {"k3@example.dk": "K03", "K07": "K07", "40000009": "K09"}[query]
    segments_before = kunde("segment", "--workspace", shop, "--format", "csv", "--as-of", AS_OF)
    rows_before = per_customer(shop)
    result = forget(shop, query)
    assert result.exit_code == 0, result.stderr
    pseudonym = pseudonym_of(result.stdout)
    rows_after = per_customer(shop)
    assert rows_after.pop(pseudonym) == rows_before.pop(target)
    assert rows_after == rows_before
    segments_after = kunde("segment", "--workspace", shop, "--format", "csv", "--as-of", AS_OF)
    assert segments_after.stdout == segments_before.stdout  # the segment table, byte for byte


def _random_shop(seed_rows: list[tuple[int, int, int, int]]) -> pl.DataFrame:
    """Order lines from (customer, phone group, day, amount) tuples."""
    return pl.DataFrame(
        {
            s.ORDER_ID: [f"O{i}" for i in range(len(seed_rows))],
            s.LINE_NO: [1] * len(seed_rows),
            s.CUSTOMER_ID: [f"C{c}" for c, _, _, _ in seed_rows],
            s.EMAIL: [f"c{c}@example.dk" for c, _, _, _ in seed_rows],
            s.PHONE: [f"5{g:07d}" for _, g, _, _ in seed_rows],
            s.NAME: [f"Navn {c}" for c, _, _, _ in seed_rows],
            s.ORDER_DATE: pl.Series(
                [f"2024-{1 + d // 28:02d}-{1 + d % 28:02d}" for _, _, d, _ in seed_rows]
            ).str.to_datetime("%Y-%m-%d"),
            s.AMOUNT: [float(a) for _, _, _, a in seed_rows],
            s.SOURCE_FILE: ["x.csv"] * len(seed_rows),
            s.SOURCE_ROW: list(range(len(seed_rows))),
        }
    )


def _rfm(ws: Workspace) -> dict[str, tuple]:
    from datetime import date

    table = rfm_scores(ws.scan_orders(), as_of=date(2024, 7, 1)).collect()
    return {row[0]: row[1:] for row in table.rows()}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 4), st.integers(0, 150), st.integers(1, 900)),
        min_size=2,
        max_size=30,
    ),
    pick=st.integers(0, 7),
)
def test_property_forget_changes_no_other_customer(tmp_path_factory, rows, pick):
    """Any shop, any customer forgotten by id (with --customer when kunde counts several
    ids as one): when the whole kunde customer is erased, every other customer's RFM row
    is identical and the erased one's numbers live on under its anonymous id."""
    ws = Workspace(tmp_path_factory.mktemp("ws"))
    ws.append_orders(_random_shop(rows), s.empty_rejects(), source=_src())
    target = f"C{pick}"
    if target not in {f"C{c}" for c, _, _, _ in rows}:
        assert not ws.forget(target).found
        return
    before = _rfm(ws)
    identity = ws._read_identity(ws.manifest())
    assert identity is not None
    canonical = identity.filter(pl.col("id_key") == target)["canonical_id"].item(0)
    group = sorted(identity.filter(pl.col("canonical_id") == canonical)["id_key"].unique())
    summary = ws.forget(target, customers=group)
    after = _rfm(ws)
    assert set(summary.customer_ids) == set(group)
    assert after.pop(summary.pseudonym) == before.pop(canonical)
    assert after == before


def _src():
    from kunde_cli.store import SourceInfo

    return SourceInfo("x.csv", sha256="0" * 64)
