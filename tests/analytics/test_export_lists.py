"""Action lists: filters, consent, e-mail, recent detractors, shapes and pseudonyms."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kunde_cli.analytics import export_lists as exl
from kunde_cli.errors import ConfigError

AS_OF = date(2024, 3, 31)


def _overview() -> pl.DataFrame:
    """Six people, all 'at_risk' except f.

    a: e-mail, consent → mailed; b: no e-mail; c: consent no; d: detractor who answered
    10 days ago → call; e: detractor who answered 60 days ago → mailed; f: lost.
    """
    return pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e", "f"],
            "name": ["Anna", "Bo", "Carl", "Dora", "Eva", "Finn"],
            "email": ["a@x.dk", None, "c@x.dk", "d@x.dk", " ", "f@x.dk"],
            "phone": [None, None, None, "+4520304050", None, None],
            "marketing_consent": [True, True, False, None, True, True],
            "segment": ["at_risk"] * 5 + ["lost"],
            "rung": ["returning", "returning", "loyal", "returning", "returning", "first_time"],
            "tier": ["inactive", "inactive", "cooling", "inactive", "lost", "lost"],
            "last_order": [date(2023, 10, 1)] * 6,
            "orders": [3, 3, 4, 3, 3, 1],
            "value": [300.0, 200.0, 400.0, 500.0, 100.0, 50.0],
            "latest_score": [None, None, 8, 2, 4, None],
            "last_answer": [
                None,
                None,
                date(2024, 3, 1),
                date(2024, 3, 21),
                date(2024, 1, 31),
                None,
            ],
            "comment": [None, None, None, "For dyrt", None, None],
            "action": ["Ring"] * 6,
        },
        schema_overrides={"latest_score": pl.Int64},
    )


def test_action_list_counts_each_step():
    out = exl.action_list(_overview(), as_of=AS_OF, segments=["at_risk"])
    # matched a–e (5); d → calls; b has no e-mail and e only a blank one (2);
    # c said no to marketing; d's missing consent would not matter, she is called.
    assert out.matched == 5
    assert out.calls["name"].to_list() == ["Dora"]
    assert out.missing_email == 2
    assert out.no_consent == 1
    assert out.consent_checked
    assert out.customers["customer_id"].to_list() == ["a"]


def test_action_list_without_consent_check():
    out = exl.action_list(_overview(), as_of=AS_OF, segments=["at_risk"], check_consent=False)
    assert out.customers["customer_id"].to_list() == ["a", "c"]
    assert (out.no_consent, out.consent_checked) == (0, False)


def test_no_consent_column_values_means_no_consent_check():
    frame = _overview().with_columns(pl.lit(None, dtype=pl.Boolean).alias("marketing_consent"))
    out = exl.action_list(frame, as_of=AS_OF, segments=["at_risk"])
    assert not out.consent_checked
    assert out.customers["customer_id"].to_list() == ["a", "c"]


def test_recent_means_within_the_30_days_ending_on_as_of():
    # Answered exactly 30 days before as-of: not recent (answer date > as_of − 30 days).
    frame = _overview().with_columns(
        pl.when(pl.col("customer_id") == "d")
        .then(pl.lit(date(2024, 3, 1)))
        .otherwise(pl.col("last_answer"))
        .alias("last_answer")
    )
    assert exl.action_list(frame, as_of=AS_OF, segments=["at_risk"]).calls.height == 0
    frame = frame.with_columns(
        pl.when(pl.col("customer_id") == "d")
        .then(pl.lit(date(2024, 3, 2)))
        .otherwise(pl.col("last_answer"))
        .alias("last_answer")
    )
    assert exl.action_list(frame, as_of=AS_OF, segments=["at_risk"]).calls.height == 1


def test_filters_combine_with_and_values_with_or():
    ov = _overview().lazy()
    both = exl.select_customers(ov, segments=["at_risk", "lost"], tiers=["lost"]).collect()
    assert both["customer_id"].to_list() == ["e", "f"]
    nps = exl.select_customers(ov, nps_groups=["detractors", "passives"]).collect()
    assert nps["customer_id"].to_list() == ["c", "d", "e"]
    assert exl.select_customers(ov).collect().height == 6


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("at-risk,can't-lose", ["at_risk", "cant_lose"]),
        ("Can’t lose", ["cant_lose"]),
        ("i fare", ["at_risk"]),
        ("AT_RISK, at-risk", ["at_risk"]),
    ],
)
def test_parse_segments(given, expected):
    assert exl.parse_segments(given) == expected


def test_parse_other_filters():
    assert exl.parse_rungs("first-time,loyal") == ["first_time", "loyal"]
    assert exl.parse_tiers("inactive, Cooling") == ["inactive", "cooling"]
    assert exl.parse_nps_groups("detractor,promoters") == ["detractors", "promoters"]
    assert exl.parse_segments(None) == []


def test_unknown_value_names_the_choices():
    with pytest.raises(ConfigError, match="--rung: unknown value 'vip'") as err:
        exl.parse_rungs("vip")
    assert "first-time" in (err.value.hint_in("en") or "")
    assert err.value.one_line("da") == "--rung: ukendt værdi 'vip'"
    assert (err.value.hint_in("da") or "").startswith("vælg blandt potential, first-time")


def test_contact_details_take_the_latest_non_empty_value():
    lines = pl.LazyFrame(
        {
            "customer_id": ["a", "a", "a"],
            "name": ["Anna", None, "Anna H."],
            "email": ["a@x.dk", "anna@x.dk", None],
            "phone": [None, "+4511", None],
            "marketing_consent": [True, None, False],
            "order_date": [datetime(2024, 1, 1), datetime(2024, 2, 1), datetime(2024, 5, 1)],
        }
    )
    # The third line is after as-of and is ignored.
    out = exl.contact_details(lines, as_of=date(2024, 3, 1)).collect()
    assert out.rows() == [("a", "Anna", "anna@x.dk", "+4511", True)]


def test_contact_details_on_the_same_date_the_later_line_wins():
    """Consent withdrawn on a later order of the same (date-only) day stays withdrawn,
    whichever way round the group's lines are spread over the frame."""
    day = datetime(2024, 1, 1)
    lines = pl.LazyFrame(
        {
            "customer_id": ["a", "b", "a", "b", "a"] * 200,
            "name": ["Anna", "Bo", "Anna", "Bo", "Anna H."] * 200,
            "email": ["a@x.dk", "b@x.dk", "a@x.dk", "bo@x.dk", None] * 200,
            "phone": [None] * 1000,
            "marketing_consent": [True, False, False, True, None] * 200,
            "order_date": [day] * 1000,
        }
    )
    out = exl.contact_details(lines, as_of=date(2024, 3, 1)).sort("customer_id").collect()
    assert out.rows() == [
        ("a", "Anna H.", "a@x.dk", None, False),
        ("b", "Bo", "bo@x.dk", None, True),
    ]


def test_shapes():
    frame = _overview()
    generic = exl.shape_list(frame, "generic")
    assert generic.columns == list(exl.GENERIC_COLUMNS)
    klaviyo = exl.shape_list(frame.head(1), "klaviyo")
    assert klaviyo.row(0, named=True)["First Name"] == "Anna"
    assert klaviyo.row(0, named=True)["Last Name"] is None
    with pytest.raises(ConfigError, match="--shape"):
        exl.shape_list(frame, "hubspot")


def test_pseudonyms_are_stable_keyed_and_join():
    frame = _overview()
    a = exl.pseudonymise(frame, salt="s1")
    b = exl.pseudonymise(frame, salt="s1")
    c = exl.pseudonymise(frame, salt="s2")
    assert a.equals(b)
    assert a["customer_id"].to_list() == a["name"].to_list()
    assert a["customer_id"].n_unique() == 6
    assert set(a["customer_id"]).isdisjoint(set(c["customer_id"]))
    assert a["email"][1] is None  # no e-mail stays empty
    assert a["phone"][3] != "+4520304050" and len(a["phone"][3]) == exl.PSEUDONYM_HEX
    # Everything that is not personal stays.
    assert a.drop("customer_id", "name", "email", "phone").equals(
        frame.drop("customer_id", "name", "email", "phone")
    )


def test_hash_emails_normalises_first():
    frame = pl.DataFrame({"email": ["Anna@X.dk ", "anna@x.dk", "junk"]})
    out = exl.hash_emails(frame, salt="s")["email"].to_list()
    assert out[0] == out[1] == exl.keyed_hash("email:anna@x.dk", "s", exl.EMAIL_HASH_HEX)
    assert out[2] == exl.keyed_hash("email:junk", "s", exl.EMAIL_HASH_HEX)


def test_overview_action_is_the_key_of_the_segment_or_of_the_next_rung():
    lines = pl.LazyFrame(
        {
            "customer_id": ["a"],
            "order_id": ["1"],
            "line_no": [1],
            "order_date": [datetime(2024, 3, 1)],
            "amount": [100.0],
            "status": ["paid"],
            "email": ["a@x.dk"],
            "name": ["Anna"],
        }
    )
    # z answered the survey but never bought: no segment, on the bottom rung.
    survey = pl.LazyFrame(
        {"customer_id": ["z"], "responded_at": [datetime(2024, 3, 2)], "score": [9]}
    )
    out = exl.customer_overview(lines, as_of=AS_OF, survey=survey).collect()
    rows = {r["customer_id"]: r for r in out.iter_rows(named=True)}
    assert rows["a"]["segment"] is not None
    assert rows["a"]["action"] == f"segment_{rows['a']['segment']}"
    assert (rows["z"]["segment"], rows["z"]["rung"], rows["z"]["action"]) == (
        None,
        "potential",
        "rung_potential",
    )
