"""One customer across exports: normalised e-mail/phone and the customer-id resolution."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kunde_cli import identity as ident
from kunde_cli import schema as s


def _lines(rows: list[tuple[str | None, str | None, str | None]]) -> pl.DataFrame:
    """Order lines with only the identifying columns plus a row number."""
    return pl.DataFrame(
        {
            s.CUSTOMER_ID: [r[0] for r in rows],
            s.EMAIL: [r[1] for r in rows],
            s.PHONE: [r[2] for r in rows],
            "n": list(range(len(rows))),
        },
        schema={s.CUSTOMER_ID: pl.String, s.EMAIL: pl.String, s.PHONE: pl.String, "n": pl.Int64},
    )


def _resolved(rows: list[tuple[str | None, str | None, str | None]], **kw: int) -> list[str | None]:
    return ident.resolve_customers(_lines(rows).lazy(), **kw).collect()[s.CUSTOMER_ID].to_list()


# --- normalisation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+45 12 34 56 78", "+4512345678"),
        ("12345678", "+4512345678"),
        ("0045 12345678", "+4512345678"),
        ("004512345678", "+4512345678"),
        ("45 12345678", "+4512345678"),
        ("4512345678", "+4512345678"),
        ("12-34-56-78", "+4512345678"),
        ("12.34.56.78", "+4512345678"),
        ("(+45) 1234 5678", "+4512345678"),
        ("tlf. 12 34 56 78", "+4512345678"),
        ("\u00a012 34 56 78 ", "+4512345678"),  # non-breaking space from a web page
        ("12345678.0", "+4512345678"),  # went through Excel as a number
        ("45123456", "+4545123456"),  # 8 digits: Danish, even when it starts with 45
        ("+46 70 123 45 67", "+46701234567"),  # Swedish mobile keeps its country code
        ("0046 70 123 45 67", "+46701234567"),
        ("+1 (212) 555-0100", "+12125550100"),
        ("+45 1234 567", None),  # Danish with 7 digits
        ("+45 12 34 56 78 9", None),  # Danish with 9 digits
        ("070-123 45 67", None),  # Swedish national number without country code
        ("02345678", None),  # Danish numbers never start with 0
        ("00000000", None),  # placeholders
        ("99999999", None),
        ("+45 11 11 11 11", None),
        ("+4512345678 / +4587654321", None),  # two numbers in one cell
        ("+45+12345678", None),
        ("123", None),
        ("n/a", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_phone(raw: str | None, expected: str | None) -> None:
    frame = pl.DataFrame({"p": [raw]}, schema={"p": pl.String})
    assert frame.select(ident.normalise_phone_expr("p"))["p"].to_list() == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("anna@example.dk", "anna@example.dk"),
        ("  Anna@Example.DK ", "anna@example.dk"),
        ("anna @example.dk", "anna@example.dk"),  # stray inner space
        ("ANNA@EXAMPLE.DK\u00a0", "anna@example.dk"),
        ("\ufeffanna@example.dk", "anna@example.dk"),  # BOM stuck to the first cell
        ("søren@eksempel.dk", "søren@eksempel.dk"),
        ("so\u0308ren@eksempel.dk", "s\u00f6ren@eksempel.dk"),  # decomposed ö → NFC
        ("a.b+tag@mail.example.co.uk", "a.b+tag@mail.example.co.uk"),
        ("", None),
        ("   ", None),
        ("-", None),
        ("n/a", None),
        ("ingen", None),
        ("anna@", None),
        ("anna@localhost", None),
        ("a@b@c.dk", None),
        (None, None),
    ],
)
def test_normalise_email(raw: str | None, expected: str | None) -> None:
    frame = pl.DataFrame({"e": [raw]}, schema={"e": pl.String})
    assert frame.select(ident.normalise_email_expr("e"))["e"].to_list() == [expected]


def test_normalisers_take_expressions_and_keep_the_name() -> None:
    frame = pl.DataFrame({"p": ["12 34 56 78"], "e": ["A@B.DK"]})
    out = frame.select(
        ident.normalise_phone_expr(pl.col("p")), ident.normalise_email_expr(pl.col("e"))
    )
    assert out.columns == ["p", "e"]
    assert out.row(0) == ("+4512345678", "a@b.dk")


# --- resolve_customers ---------------------------------------------------------------


def test_chain_of_email_and_phone_is_one_customer() -> None:
    # C shares an e-mail (up to case and spaces) with B; B shares a phone with A (in
    # another format). D shares nothing. Canonical id = smallest original id = "A".
    rows = [
        ("C", "Kim@Shop.dk", None),
        ("B", " kim@shop.dk", "22 33 44 55"),
        ("A", None, "+45 22334455"),
        ("D", "d@shop.dk", "87654321"),
    ]
    assert _resolved(rows) == ["A", "A", "A", "D"]


def test_same_id_links_rows_with_different_contacts() -> None:
    # Row 0 and 1 are the same id 200 with two e-mails; row 2 (id 100) shares the second
    # e-mail, so all three are one customer, "100" (string order: "100" < "200").
    rows = [("200", "a@x.dk", None), ("200", "b@x.dk", None), ("100", "b@x.dk", None)]
    assert _resolved(rows) == ["100", "100", "100"]


def test_rows_without_id_take_email_then_phone() -> None:
    rows = [
        (None, "Walkin@X.dk", "11 22 33 44"),  # e-mail wins over phone
        (None, None, "11223344"),  # same phone: joins the row above
        (None, None, "55 66 77 88"),  # alone: its phone
        ("   ", "solo@x.dk", None),  # blank id counts as none
        (None, None, None),  # nothing to go on: stays null
        (None, "-", "n/a"),  # junk only: stays null
    ]
    assert _resolved(rows) == [
        "walkin@x.dk",
        "walkin@x.dk",
        "+4555667788",
        "solo@x.dk",
        None,
        None,
    ]


def test_id_wins_over_email_as_canonical() -> None:
    # A POS row without id but with the web customer's e-mail gets the web id.
    rows = [(None, "anne@x.dk", None), ("W-9", "anne@x.dk", None)]
    assert _resolved(rows) == ["W-9", "W-9"]


def test_household_sharing_a_phone_becomes_one_customer() -> None:
    # Accepted by DESIGN: two people with one landline are one customer.
    rows = [("1", "him@x.dk", "33 33 12 12"), ("2", "her@x.dk", "33331212")]
    assert _resolved(rows) == ["1", "1"]


def test_placeholder_key_shared_by_many_ids_links_nothing() -> None:
    # 21 till customers all typed in the shop's own address: a placeholder, not a person.
    rows = [(f"P{i:02d}", "kunde@butik.dk", None) for i in range(21)]
    assert _resolved(rows) == [f"P{i:02d}" for i in range(21)]
    # At 20 ids the key still links (the default limit is 20 ids per key).
    assert set(_resolved(rows[:20])) == {"P00"}
    # No limit: everything merges.
    assert set(_resolved(rows, max_ids_per_key=None)) == {"P00"}


def test_keeps_other_columns_and_row_order() -> None:
    frame = pl.DataFrame(
        {
            "order_id": ["o3", "o1", "o2"],
            s.CUSTOMER_ID: ["b", "a", "c"],
            s.EMAIL: ["X@x.dk", "x@x.dk", None],
            s.PHONE: [None, None, None],
            s.AMOUNT: [3.0, 1.0, 2.0],
        }
    )
    out = ident.resolve_customers(frame.lazy()).collect()
    expected = frame.with_columns(pl.Series(s.CUSTOMER_ID, ["a", "a", "c"]))
    assert_frame_equal(out, expected)


def test_frame_without_email_or_phone_columns() -> None:
    frame = pl.DataFrame({s.CUSTOMER_ID: ["x", "y", "x"], s.AMOUNT: [1.0, 2.0, 3.0]})
    out = ident.resolve_customers(frame.lazy()).collect()
    assert_frame_equal(out, frame)


def test_empty_frame() -> None:
    out = ident.resolve_customers(s.empty_orders().lazy()).collect()
    assert_frame_equal(out, s.empty_orders())


def test_long_chain_resolves() -> None:
    # 3,000 ids, each linked to the next alternately by e-mail and by phone: one customer.
    n = 3000
    rows = []
    for i in range(n):
        email = f"e{i // 2}@x.dk" if i % 2 == 0 else f"e{(i - 1) // 2}@x.dk"
        phone = (
            f"2{(i - 1) // 2:07d}"
            if i % 2 == 0 and i > 0
            else (f"2{i // 2:07d}" if i % 2 else None)
        )
        rows.append((f"id{i:05d}", email, phone))
    assert set(_resolved(rows)) == {"id00000"}


def test_incremental_identity_map_equals_full() -> None:
    old = _lines([("A", "a@x.dk", None), ("B", None, "22334455")])
    new = _lines([("C", "a@x.dk", "22334455"), ("D", "d@x.dk", None)])
    previous = ident.identity_map(old)
    incremental = ident.identity_map(new, previous=previous)
    full = ident.identity_map(pl.concat([old, new]))
    key = list(ident.RAW_COLUMNS)
    assert_frame_equal(incremental.sort(key, nulls_last=True), full.sort(key, nulls_last=True))
    resolved = ident.apply_identity(pl.concat([old, new]), incremental).collect()
    assert resolved[s.CUSTOMER_ID].to_list() == ["A", "A", "A", "D"]


def test_resolve_survey_maps_onto_order_ids() -> None:
    orders = _lines(
        [("100", "anne@x.dk", None), ("200", "bo@x.dk", "22334455"), ("100", None, "22334455")]
    )
    survey = pl.DataFrame(
        {
            s.RESPONSE_ID: ["r1", "r2", "r3", "r4"],
            s.CUSTOMER_ID: ["200", None, None, "S-1"],
            s.EMAIL: [None, "ANNE@x.dk", "new@x.dk", None],
        }
    )
    out = ident.resolve_survey(survey.lazy(), ident.identity_map(orders)).collect()
    # 200 was merged into 100 by the shared phone; anne's e-mail → 100; unknown
    # answers keep their normalised e-mail or own id.
    assert out[s.CUSTOMER_ID].to_list() == ["100", "100", "new@x.dk", "S-1"]
    assert out.columns == survey.columns
    no_orders = ident.resolve_survey(survey.lazy(), None).collect()
    assert no_orders[s.CUSTOMER_ID].to_list() == ["200", "anne@x.dk", "new@x.dk", "S-1"]


# --- merge_report / merged_customers ------------------------------------------------


def test_merge_report_counts() -> None:
    rows = [
        ("1001", "anne@x.dk", None),  # web shop
        ("P-7", "Anne@X.dk", None),  # till, same e-mail → merged by e-mail
        ("P-8", None, "22 33 44 55"),  # till, phone only
        ("1002", "bo@x.dk", "22334455"),  # web, shares P-8's phone → merged by phone
        (None, "anne@x.dk", None),  # no id, anne's e-mail → merged by e-mail
        (None, None, "99 88 77 66"),  # no id, own phone: a customer of its own
        (None, None, None),  # no key: not counted
    ]
    rows += [(f"Z{i}", "kasse@butik.dk", None) for i in range(21)]  # placeholder e-mail
    report = ident.merge_report(_lines(rows))
    # Source ids: 1001, P-7, P-8, 1002, anne@x.dk, +4599887766, Z0..Z20 = 6 + 21 = 27.
    # E-mail merges: P-7 and anne@x.dk into 1001 = 2. Phone merges: P-8 into 1002 = 1.
    # Customers: 27 - 2 - 1 = 24 (1001, 1002, +4599887766 and the 21 Z ids).
    assert report.schema == pl.Schema({ident.MEASURE: pl.String, ident.COUNT: pl.Int64})
    assert dict(report.iter_rows()) == {
        ident.SOURCE_IDS: 27,
        ident.MERGED_SAME_EMAIL: 2,
        ident.MERGED_SAME_PHONE: 1,
        ident.CUSTOMERS: 24,
        ident.SHARED_KEYS_IGNORED: 1,
    }
    assert _resolved(rows).count(None) == 1
    assert len(set(_resolved(rows)) - {None}) == 24


def test_merge_report_on_empty() -> None:
    report = ident.merge_report(s.empty_orders())
    assert report[ident.COUNT].to_list() == [0, 0, 0, 0, 0]


def test_merged_customers_says_why() -> None:
    rows = [
        ("A", "a@x.dk", None),
        ("B", "a@x.dk", None),  # A+B by e-mail
        ("C", None, "22334455"),
        ("D", None, "22 33 44 55"),  # C+D by phone
        ("E", "e@x.dk", "33445566"),
        ("F", "e@x.dk", None),
        ("G", None, "33445566"),  # E+F by e-mail, then G by phone
        ("H", "h@x.dk", None),  # alone: not listed
    ]
    out = ident.merged_customers(_lines(rows))
    assert out.to_dicts() == [
        {
            s.CUSTOMER_ID: "E",
            ident.SOURCE_ID_LIST: ["E", "F", "G"],
            ident.N_SOURCE_IDS: 3,
            ident.LINKED_BY: "email+phone",
        },
        {
            s.CUSTOMER_ID: "A",
            ident.SOURCE_ID_LIST: ["A", "B"],
            ident.N_SOURCE_IDS: 2,
            ident.LINKED_BY: "email",
        },
        {
            s.CUSTOMER_ID: "C",
            ident.SOURCE_ID_LIST: ["C", "D"],
            ident.N_SOURCE_IDS: 2,
            ident.LINKED_BY: "phone",
        },
    ]


# --- against a plain union-find on random frames -----------------------------------

_ids = st.sampled_from(["1", "2", "3", "4", "5", "6", " 7 ", None, None])
_emails = st.sampled_from(["a@x.dk", "A@x.dk ", "b@x.dk", "c@x.dk", "-", None, None])
_phones = st.sampled_from(["22334455", "+45 22 33 44 55", "33445566", "44556677", "0", None, None])


def _reference(rows: list[tuple[str | None, str | None, str | None]]) -> list[str | None]:
    """Union-find over rows, written the obvious way (test-only Python loops)."""
    norm = (
        _lines(rows)
        .select(
            ident._clean_id_expr(s.CUSTOMER_ID).alias("i"),
            ident.normalise_email_expr(s.EMAIL).alias("e"),
            ident.normalise_phone_expr(s.PHONE).alias("p"),
        )
        .rows()
    )
    parent = list(range(len(norm)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i in range(len(norm)):
        for j in range(i):
            if any(a is not None and a == b for a, b in zip(norm[i], norm[j], strict=True)):
                parent[find(i)] = find(j)
    groups: dict[int, list[tuple[str | None, ...]]] = {}
    for i, keys in enumerate(norm):
        groups.setdefault(find(i), []).append(keys)
    canonical = {}
    for root, members in groups.items():
        best = None
        for position in range(3):  # id, then e-mail, then phone
            values = [m[position] for m in members if m[position] is not None]
            if values:
                best = min(values)
                break
        canonical[root] = best
    return [canonical[find(i)] for i in range(len(norm))]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_ids, _emails, _phones), max_size=25))
def test_matches_union_find(rows: list[tuple[str | None, str | None, str | None]]) -> None:
    assert _resolved(rows, max_ids_per_key=None) == _reference(rows)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(_ids, _emails, _phones), max_size=25), st.randoms())
def test_row_order_does_not_matter(
    rows: list[tuple[str | None, str | None, str | None]], rnd
) -> None:
    shuffled = list(enumerate(rows))
    rnd.shuffle(shuffled)
    result = _resolved([r for _, r in shuffled])
    original = _resolved(rows)
    assert [result[k] for k in sorted(range(len(rows)), key=lambda k: shuffled[k][0])] == original


def test_hash_collision_falls_back_to_exact_join(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every triple hashing alike forces the string join; the answer must not change.
    rows = [
        ("C", "k@x.dk", None),
        ("B", "k@x.dk", "22334455"),
        ("A", None, "22334455"),
        ("D", None, None),
    ]
    expected = _resolved(rows)
    monkeypatch.setattr(
        ident, "_triple_hash", lambda frame: pl.lit(1, dtype=pl.UInt64).alias(ident._HASH)
    )
    assert _resolved(rows) == expected == ["A", "A", "A", "D"]


def test_chain_without_shared_keys_takes_the_fast_path_correctly():
    """id K1 has e-mail e; a till row has e and phone p; another row only p.

    No key is shared by two anchors, so no graph is built, yet all three rows must be
    one customer, K1 (regression for the pointer-jumping fast path).
    """
    lines = pl.LazyFrame(
        {
            "customer_id": ["K1", None, None],
            "email": ["e@x.dk", "e@x.dk", None],
            "phone": [None, "12345678", "+45 12 34 56 78"],
        }
    )
    out = ident.resolve_customers(lines).collect()
    assert out["customer_id"].to_list() == ["K1", "K1", "K1"]


def test_apply_identity_by_id_alone_equals_the_triple_join():
    """Stored lines always carry an id; replacing only merged ids gives the same result."""
    lines = pl.DataFrame(
        {
            "customer_id": ["K1", "K2", "anne@x.dk", "K3", "+4512345678", "K1"],
            "email": ["anne@x.dk", None, "anne@x.dk", "bo@x.dk", None, "anne@x.dk"],
            "phone": [None, "+4512345678", None, None, "+4512345678", None],
        }
    )
    identity = ident.identity_map(lines)
    by_triple = ident.apply_identity(lines, identity).collect()
    by_id = ident.apply_identity(lines, identity, ids_complete=True).collect()
    assert_frame_equal(by_id, by_triple)
    # "+4512345678" sorts before "K2", so it is that person's smallest id.
    phone = "+4512345678"
    assert by_id["customer_id"].to_list() == ["K1", phone, "K1", "K3", phone, "K1"]


def test_apply_identity_by_id_falls_back_when_one_id_has_two_canonical_ids():
    """A map in which id K1 belongs to two people (by its two e-mails) cannot be
    applied by id alone: the triple join decides, row by row."""
    lines = pl.DataFrame(
        {
            "customer_id": ["K1", "K1", "K2"],
            "email": ["a@x.dk", "b@x.dk", None],
            "phone": [None, None, None],
        }
    )
    identity = ident.identity_map(lines).with_columns(
        pl.when(pl.col("email") == "b@x.dk")
        .then(pl.lit("K9"))
        .otherwise(pl.col(ident.CANONICAL_ID))
        .alias(ident.CANONICAL_ID)
    )
    by_id = ident.apply_identity(lines, identity, ids_complete=True).collect()
    assert by_id["customer_id"].to_list() == ["K1", "K9", "K2"]
