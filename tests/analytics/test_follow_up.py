"""Follow-up cases, statuses carried forward, counts and comment themes
(kunde_cli.analytics.follow_up), and the workbook's statuses read back
(kunde_cli.render.follow_up_workbook) — every expected number worked out by hand."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import polars as pl
import pytest

from kunde_cli.analytics import follow_up as fu
from kunde_cli.errors import InputError
from kunde_cli.render.follow_up_workbook import read_status, read_statuses, workbook_bytes

ORDERS = pl.LazyFrame(
    {
        "order_id": ["1", "2", "3", "3", "5", "6"],
        "line_no": [1, 1, 1, 2, 1, 1],
        "customer_id": ["a", "a", "b", "b", "c", "d"],
        "email": ["a@x.dk", "a@x.dk", "b@x.dk", "b@x.dk", "c@x.dk", "d@x.dk"],
        "name": ["Anna", "Anna", "Bo", "Bo", "Carl", "Dina"],
        "order_date": [
            datetime(2024, 1, 5),
            datetime(2024, 2, 20),
            datetime(2024, 1, 10),
            datetime(2024, 1, 10),
            datetime(2024, 2, 1),
            datetime(2024, 4, 2),  # after as_of: not counted
        ],
        "amount": [100.0, 300.0, 50.0, 950.0, 80.0, 5000.0],
        "quantity": [1, 2, 1, 1, 3, 1],
        "product": ["Te", "Kaffe", "Filter", "Kværn", "Te", "Maskine"],
        "status": ["paid"] * 6,
    }
)

SURVEY = pl.LazyFrame(
    {
        "response_id": ["r1", "r2", "r3", "r4", "r5", "r6", "r7"],
        "customer_id": ["a", "a", "b", "c", None, "d", "c"],
        "email": [None, None, None, None, "ny@x.dk", None, None],
        "name": [None, None, None, "Carl C.", None, None, None],
        "responded_at": [
            datetime(2024, 3, 1),
            datetime(2024, 3, 10),  # Anna's latest: 6, a detractor
            datetime(2024, 3, 2),  # Bo: 8, a passive
            datetime(2024, 3, 3),  # Carl: 9 → a promoter, no case …
            datetime(2024, 3, 4),  # no customer: 0
            datetime(2024, 3, 5),  # Dina: 7
            datetime(2024, 4, 20),  # … Carl's 2 comes after the NPS date
        ],
        "score": [9, 6, 8, 9, 0, 7, 2],
        "comment": [
            "Hurtig levering",
            "Levering for langsom",
            None,
            "God kaffe",
            "Dyr levering",
            "Ok kaffe",
            "Sur",
        ],
    },
    schema_overrides={"email": pl.String, "name": pl.String, "score": pl.Int8},
)
AS_OF = date(2024, 3, 31)


def cases() -> pl.DataFrame:
    segments = pl.LazyFrame({"customer_id": ["a", "b"], "segment": ["loyal", "at_risk"]})
    return fu.follow_up_cases(
        SURVEY.with_columns(pl.lit(True).alias("matched")),
        ORDERS,
        as_of=AS_OF,
        segments=segments,
    ).collect()


def test_cases_are_latest_detractor_and_passive_answers_with_their_orders():
    out = cases()
    # Detractors first (Anna 400 kr., then the unknown respondent with no orders), then
    # passives by revenue: Bo 1,000 kr. (two lines of one order), Dina 0 kr. by 31 March.
    assert out.get_column("response_id").to_list() == ["r2", "r5", "r3", "r6"]
    anna, nobody, bo, dina = out.iter_rows(named=True)
    assert (anna["orders"], anna["revenue"], anna["last_order"]) == (2, 400.0, date(2024, 2, 20))
    assert anna["top_products"] == "Kaffe, Te"  # 2 bags of coffee before 1 cup of tea
    assert (anna["name"], anna["email"], anna["segment"]) == ("Anna", "a@x.dk", "loyal")
    assert (bo["orders"], bo["revenue"], bo["segment"]) == (1, 1000.0, "at_risk")
    assert nobody["orders"] is None and nobody["email"] == "ny@x.dk"
    assert dina["orders"] is None  # her only order is after the as-of date
    assert out.columns == list(fu.CASE_COLUMNS)


def test_answers_after_the_nps_date_are_no_case_yet():
    later = fu.follow_up_cases(SURVEY, ORDERS, as_of=AS_OF, answers_as_of=date(2024, 4, 30))
    # Carl's 2 on 20 April is now his latest answer: a new case, r7.
    assert "r7" in later.collect().get_column("response_id").to_list()
    assert "r7" not in cases().get_column("response_id").to_list()


def test_statuses_carry_forward_and_earlier_cases_keep_their_notes():
    stored = pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r9"],
            "follow_up_status": ["resolved", "contacted", "open", "resolved"],
            "follow_up_note": ["Ringet", None, None, "Svar findes ikke mere"],
        }
    )
    typed = pl.DataFrame(
        {"response_id": ["r3", "r3"], "follow_up_status": ["contacted", "resolved"],
         "follow_up_note": ["Mail sendt", "ignored: the first row of an id wins"]}
    )  # fmt: skip
    statuses = fu.merge_statuses(stored, typed)
    carried = fu.carry_forward(cases(), statuses)
    assert carried.select("response_id", "follow_up_status", "follow_up_note").rows() == [
        ("r2", "contacted", None),
        ("r5", "open", None),
        ("r3", "contacted", "Mail sendt"),
        ("r6", "open", None),
    ]
    survey = SURVEY.collect()
    earlier = fu.earlier_cases(statuses, carried, survey)
    # r1 (Anna's first answer) is no longer current but has a status and a note; r9's
    # answer is not in the survey (forgotten): dropped.
    assert earlier.select("response_id", "nps_category", "follow_up_note").rows() == [
        ("r1", "promoters", "Ringet")
    ]
    kept = fu.statuses_to_store(carried, earlier)
    assert kept.schema == pl.Schema(fu.STATUS_SCHEMA)
    assert kept.filter(~pl.col("current")).get_column("response_id").to_list() == ["r1"]
    counts = fu.status_counts(carried)
    assert counts.rows() == [
        ("detractors", 1, 1, 0, 2),
        ("passives", 1, 1, 0, 2),
        (None, 2, 2, 0, 4),
    ]


def test_comment_themes_per_group_by_hand():
    survey = pl.LazyFrame(
        {
            "score": [10, 9, 9, 8, 7, 3, 2, 1, 0],
            "comment": [
                "Hurtig levering og god kaffe",
                "God kaffe",
                None,
                "Fin pris",
                "fin pris, men langsom",
                "Levering tog en uge",
                "Langsom levering",
                "Dyr og langsom",
                "",
            ],
        }
    )
    out = fu.comment_themes(survey, words_only=True).collect()
    rows = out.select("nps_category", "term", "comments", "with_comment", "share").rows()
    # Promoters: 2 comments, both "god" and "kaffe". Passives: 2, both "fin" and "pris".
    # Detractors: 3 comments; "levering" and "langsom" in 2 each ("og", "en" are stop words).
    assert rows == [
        ("promoters", "god", 2, 2, 1.0),
        ("promoters", "kaffe", 2, 2, 1.0),
        ("passives", "fin", 2, 2, 1.0),
        ("passives", "pris", 2, 2, 1.0),
        ("detractors", "langsom", 2, 3, pytest.approx(2 / 3)),
        ("detractors", "levering", 2, 3, pytest.approx(2 / 3)),
    ]
    phrases = fu.comment_themes(survey).collect().filter(pl.col("term_kind") == "phrase")
    assert phrases.select("nps_category", "term").rows() == [
        ("promoters", "god kaffe"),
        ("passives", "fin pris"),
    ]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("åben", "open"),
        ("  ÅBEN ", "open"),
        ("Open", "open"),
        ("kontaktet", "contacted"),
        ("Contacted", "contacted"),
        ("LØST", "resolved"),
        ("loest", "resolved"),
        ("resolved ", "resolved"),
        ("", "open"),
        (None, "open"),
        ("ringet op", None),
        ("lukket?", None),
    ],
)
def test_statuses_are_read_in_either_language(typed, key):
    assert read_status(typed) == key


def test_workbook_round_trip_with_edits():
    carried = fu.carry_forward(cases(), fu.empty_statuses())
    data = workbook_bytes(carried, carried.head(0), lang="da", as_of=AS_OF)
    back = read_statuses(data).statuses
    assert back.rows() == [(r, "open", None) for r in ("r2", "r5", "r3", "r6")]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    status, note = header.index("Status") + 1, header.index("Notat") + 1
    ws.cell(3, status).value = "Resolved"
    ws.cell(3, note).value = "  Kunden er glad  "
    ws.cell(5, status).value = "kontaktet"
    buf = io.BytesIO()
    wb.save(buf)
    back = read_statuses(buf.getvalue()).statuses
    assert back.rows() == [
        ("r2", "open", None),
        ("r5", "resolved", "Kunden er glad"),
        ("r3", "open", None),
        ("r6", "contacted", None),
    ]
    ws.cell(4, status).value = "måske"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(InputError, match="unknown status 'måske'") as caught:
        read_statuses(buf.getvalue(), name="sager.xlsx")
    assert (caught.value.row, caught.value.column) == (4, "Status")
