"""Files read directly and the workspace lay exports over each other by one path
(kunde_cli.store.overlap: lay_orders, lay_answers, identity_after, resolved_lines):
the same overlapping exports give the same order lines, orders, customers and survey
answers whether they are read directly (``kunde segment okt.csv nov.csv …``) or
ingested first (``kunde ingest …`` then ``kunde segment``).

The exports, by hand (a Danish web shop, its till, a Shopify shop, a paper survey):

* okt.csv: orders 1–3 of K1, K2, K3.
* nov.csv: the web shop's re-export: order 2 refunded since, order 3 edited (300 →
  350 kr.), order 4 by K4 with K1's e-mail (one customer), order 5 by K5.
* kasse.csv: the till, not named (the same system as far as kunde can tell): its order
  1 is another customer's on another day — a collision, left out both ways — and its
  order 6 by B2 with K2's e-mail (one customer, canonical id B2).
* kreditnota.csv: a credit note of order 5 (credit lines only: added, the paid line
  stays).
* shopify.csv: a Shopify shop's own order 1 (another system: kept apart, shopify:1).
* svar-okt.csv, svar-nov.csv: the paper survey, answer 1 edited (10 → 7) in November's
  sheet, answer 3 new.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import kunde_cli
from kunde_cli import schema as s
from kunde_cli.analytics.orders import OrderBasis
from kunde_cli.errors import DataQualityError
from kunde_cli.ingest import ReadOptions, read_any
from kunde_cli.store import SourceInfo
from kunde_cli.words.said import Said

HEADER = "Ordrenr;Kundenr;E-mail;Ordredato;Beløb;Status"
SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Lineitem quantity,Lineitem name,Lineitem price,Total"
)
PAPER_HEADER = (
    "Svarnummer;Dato;E-mail;Hvor sandsynligt er det, at du vil anbefale os? (0-10);Kommentar"
)
AS_OF = date(2024, 12, 1)

EXPORTS: list[tuple[str, str, list[str]]] = [
    (
        "okt.csv",
        HEADER,
        [
            "1;K1;anna@example.dk;01-10-2024;100,00;Gennemført",
            "2;K2;bo@example.dk;02-10-2024;200,00;Gennemført",
            "3;K3;carl@example.dk;03-10-2024;300,00;Gennemført",
        ],
    ),
    (
        "svar-okt.csv",
        PAPER_HEADER,
        ["1;13-10-2024;anna@example.dk;10;God service", "2;14-10-2024;bo@example.dk;9;"],
    ),
    (
        "nov.csv",
        HEADER,
        [
            "1;K1;anna@example.dk;01-10-2024;100,00;Gennemført",
            "2;K2;bo@example.dk;02-10-2024;200,00;Refunderet",
            "3;K3;carl@example.dk;03-10-2024;350,00;Gennemført",
            "4;K4;anna@example.dk;05-11-2024;150,00;Gennemført",
            "5;K5;dora@example.dk;06-11-2024;80,00;Gennemført",
        ],
    ),
    (
        "kasse.csv",
        HEADER,
        [
            "1;B1;bent@kasse.dk;10-11-2024;50,00;Gennemført",
            "6;B2;bo@example.dk;11-11-2024;60,00;Gennemført",
        ],
    ),
    ("kreditnota.csv", HEADER, ["5;K5;dora@example.dk;06-11-2024;-80,00;Kreditnota"]),
    (
        "shopify.csv",
        SHOPIFY_HEADER,
        ["1,erik@shop.dk,paid,2024-11-12 10:00:00,1,Kaffe,75.00,75.00"],
    ),
    (
        "svar-nov.csv",
        PAPER_HEADER,
        [
            "1;13-10-2024;anna@example.dk;7;God service",
            "2;14-10-2024;bo@example.dk;9;",
            "3;15-11-2024;dora@example.dk;3;For dyrt",
        ],
    ),
]


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    """The exports, each made a day after the one before (their files' dates)."""
    paths = []
    for day, (name, header, rows) in enumerate(EXPORTS):
        path = tmp_path / name
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        made = datetime(2024, 11, 20 + day, 12).timestamp()
        os.utime(path, (made, made))
        paths.append(path)
    return paths


def _sorted(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.sort([*keys, *(c for c in frame.columns if c not in keys)], nulls_last=True)


def test_files_read_directly_are_laid_over_each_other_as_ingest_stores_them(
    exports: list[Path], tmp_path: Path
) -> None:
    direct = kunde_cli.load(files=exports, as_of=AS_OF, lang="en")
    report = kunde_cli.ingest_files(exports, tmp_path / "ws", lang="en")
    assert report.refused == 0
    stored = kunde_cli.load(workspace=tmp_path / "ws", as_of=AS_OF, lang="en")

    lines = _sorted(direct.lines.collect(), s.ORDER_ID, s.LINE_NO)
    assert_frame_equal(lines, _sorted(stored.lines.collect(), s.ORDER_ID, s.LINE_NO))
    # The orders and customers of those lines (the workspace's own lines: its stored
    # tables are the tables builder's business, see the test below).
    from_lines = OrderBasis.of(stored.lines, as_of=AS_OF)
    orders = _sorted(direct.orders.orders, s.ORDER_ID)
    assert_frame_equal(orders, _sorted(from_lines.orders, s.ORDER_ID))
    customers = _sorted(direct.orders.customers, s.CUSTOMER_ID)
    assert_frame_equal(customers, _sorted(from_lines.customers, s.CUSTOMER_ID))
    assert direct.survey is not None and stored.survey is not None
    answers = _sorted(direct.survey.collect(), s.RESPONSE_ID)
    assert_frame_equal(answers, _sorted(stored.survey.collect(), s.RESPONSE_ID))

    # What both decided, by hand.
    by_order = {
        (row[s.ORDER_ID], row[s.AMOUNT]): (row[s.CUSTOMER_ID], row[s.STATUS])
        for row in lines.iter_rows(named=True)
    }
    assert by_order == {
        ("1", 100.0): ("K1", "gennemført"),
        ("2", 200.0): ("B2", "refunderet"),  # refunded since; bo@ is B2 and K2: B2
        ("3", 350.0): ("K3", "gennemført"),  # the edited version, not 300 as well
        ("4", 150.0): ("K1", "gennemført"),  # K4 has K1's e-mail
        ("5", 80.0): ("K5", "gennemført"),
        ("5", -80.0): ("K5", "kreditnota"),  # the credit note beside the paid line
        ("6", 60.0): ("B2", "gennemført"),
        ("shopify:1", 75.0): ("erik@shop.dk", "paid"),  # another system: kept apart
    }  # the till's order 1 (B1, 50 kr.) collided: left out, never over K1's
    assert "B1" not in lines.get_column(s.CUSTOMER_ID).to_list()
    assert sorted(answers.select(s.RESPONSE_ID, s.SCORE).rows()) == [
        ("1", 7),  # November's edit
        ("2", 9),
        ("3", 3),
    ]
    # The survey's customers are the orders' (anna@ is K1; bo@ is B2).
    assert dict(answers.select(s.RESPONSE_ID, s.CUSTOMER_ID).rows()) == {
        "1": "K1",
        "2": "B2",
        "3": "K5",
    }


def test_a_collision_read_directly_is_a_warning_and_ingested_a_reject(
    exports: list[Path], tmp_path: Path
) -> None:
    okt, kasse = exports[0], exports[3]
    direct = kunde_cli.load(files=[okt, kasse], as_of=AS_OF, lang="en")
    [warning] = [n for n in direct.notes if n.key == "loading_collisions"]
    assert warning.text.startswith(f"{kasse}: 1 order numbers are already used")
    report = kunde_cli.ingest_files([okt, kasse], tmp_path / "ws", lang="en")
    assert report.table.get_column("rejected").to_list() == [0, 1]
    # Stored as a code (worded in rejects.csv); under --strict the store refuses it keyed.
    rejects = kunde_cli.Workspace(tmp_path / "ws").read_rejects()
    assert rejects.get_column(s.REJECT_REASON).to_list() == ["order_number_taken"]
    kunde_cli.ingest_files([okt], tmp_path / "strict")
    till = read_any(kasse, ReadOptions())
    with pytest.raises(DataQualityError) as err:
        kunde_cli.Workspace(tmp_path / "strict").append_orders(
            till.frame, till.rejects, source=SourceInfo(kasse), strict=True
        )
    assert isinstance(err.value.said, Said) and err.value.said.key == "ingest_strict_collisions"
    assert err.value.message.startswith(f"1 order(s) in {kasse} have numbers")


def test_the_stored_tables_agree_with_the_lines_for_a_credit_note_of_a_paid_order(
    exports: list[Path], tmp_path: Path
) -> None:
    kunde_cli.ingest_files(exports, tmp_path / "ws", lang="en")
    stored = kunde_cli.load(workspace=tmp_path / "ws", as_of=AS_OF, lang="en")
    from_lines = OrderBasis.of(stored.lines, as_of=AS_OF)
    assert_frame_equal(
        _sorted(stored.orders.orders.select(from_lines.orders.columns), s.ORDER_ID),
        _sorted(from_lines.orders, s.ORDER_ID),
    )


#: Why a corrected e-mail does not unlink two customers yet (a known limitation).
KEPT_IDENTITY = (
    "identity: the map keeps every (id, e-mail, phone) a line ever had (the workspace's "
    "incremental map, which files read directly now share), so a re-export that corrects "
    "an order's e-mail leaves the two customers merged; pruning the map of triples no line "
    "has any more means rebuilding identity whenever an order changes (every refund)"
)


@pytest.mark.xfail(strict=True, reason=KEPT_IDENTITY)
def test_a_corrected_email_in_a_re_export_unlinks_the_customers(tmp_path: Path) -> None:
    # October: K1's order carries Bo's e-mail by mistake; November's export of it (its
    # amount edited too, so the order changed: an e-mail alone is no change) corrects it.
    okt = tmp_path / "okt.csv"
    okt.write_text(
        f"{HEADER}\n1;K1;bo@example.dk;01-10-2024;100,00;Gennemført\n"
        "2;K2;bo@example.dk;02-10-2024;200,00;Gennemført\n",
        encoding="utf-8",
    )
    nov = tmp_path / "nov.csv"
    nov.write_text(
        f"{HEADER}\n1;K1;anna@example.dk;01-10-2024;120,00;Gennemført\n"
        "2;K2;bo@example.dk;02-10-2024;200,00;Gennemført\n",
        encoding="utf-8",
    )
    os.utime(okt, (datetime(2024, 11, 1).timestamp(),) * 2)
    os.utime(nov, (datetime(2024, 12, 1).timestamp(),) * 2)
    direct = kunde_cli.load(files=[okt, nov], as_of=AS_OF, lang="en")
    who = dict(direct.lines.select(s.ORDER_ID, s.CUSTOMER_ID).collect().rows())
    assert who == {"1": "K1", "2": "K2"}
