"""Issue 14, cases 1 and 2: overlapping exports lose nothing and count nothing twice.

* A survey re-exported under a new file name (Google Forms has no response id) is
  recognised by the answers' content; identical answers in one export each count once.
* Order numbers are unique per shop system: a till's order 1 after a web shop's order 1
  is a *collision* (reported with the fix, refused under --strict, kept apart with
  --source), never silently dropped or stored over the web shop's order.
* A newer export of the same order (same customer and day) *updates* it: an order
  refunded since the last export stops counting, and the change is reported.

Exports are written the way a Danish shop and Google Forms write them (semicolons,
decimal commas, "kr.", Danish status words, Forms' ``Tidsstempel`` column).
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kunde_cli import schema as s
from kunde_cli.store import Workspace
from kunde_cli.words.inspect import reject_reason
from tests.reliability.conftest import ingest_json, kunde, no_traceback, snapshot

HEADER = "Ordrenr;Kundenr;E-mail;Ordredato;Beløb;Status"


def web_rows() -> list[str]:
    """Ten web shop orders 1–10 by customers W1–W10 in March 2024, 100 kr. × i."""
    return [
        f"{i};W{i};w{i}@webshop.dk;{10 + i:02d}-03-2024;{100 * i},00 kr.;Gennemført"
        for i in range(1, 11)
    ]


def till_rows() -> list[str]:
    """The till's own orders 1–10 by customers B1–B10 in April 2024, 50 kr. × i."""
    return [
        f"{i};B{i};b{i}@kasse.dk;{10 + i:02d}-04-2024;{50 * i},00 kr.;Gennemført"
        for i in range(1, 11)
    ]


def write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def stored(ws: Path) -> pl.DataFrame:
    return Workspace(ws).scan_orders().collect()


# --- 2. order numbers reused by another system ----------------------------------------


def test_a_tills_order_numbers_are_a_reported_collision_not_a_silent_drop(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws"
    web = write(tmp_path / "web.csv", web_rows())
    till = write(tmp_path / "kasse.csv", till_rows())
    assert kunde("ingest", web, "-w", ws, "--format", "json").exit_code == 0

    result = kunde("ingest", till, "-w", ws, "--format", "json")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0
    [row] = ingest_json(result)
    # Rows in = accepted + duplicates + rejected: the ten lines are refused, not dropped.
    assert (row["rows_read"], row["accepted"], row["duplicates"], row["rejected"]) == (
        10,
        0,
        0,
        10,
    )
    assert "10 ordrenumre bruges allerede af andre ordrer" in result.stderr
    assert "--source" in result.stderr
    rejects = Workspace(ws).read_rejects()
    assert rejects.height == 10
    assert rejects[s.REJECT_FILE].to_list() == [str(till)] * 10
    assert rejects[s.REJECT_COLUMN].unique().to_list() == ["Ordrenr"]
    # Stored as a code, worded in rejects.csv in the run's language.
    assert rejects[s.REJECT_REASON].unique().to_list() == ["order_number_taken"]
    assert "another shop system" in reject_reason("order_number_taken", "en")
    assert "--source NAVN" in (ws / "rejects.csv").read_text(encoding="utf-8")
    manifest = Workspace(ws).manifest()
    assert manifest["sources"][1]["collisions"] == 10
    # The web shop's orders are untouched: customers W1–W10, 5.500 kr.
    lines = stored(ws)
    assert sorted(lines[s.CUSTOMER_ID].unique().to_list()) == sorted(f"W{i}" for i in range(1, 11))
    assert lines[s.AMOUNT].sum() == 5500.0


def test_strict_refuses_the_colliding_file_and_writes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kunde("ingest", write(tmp_path / "web.csv", web_rows()), "-w", ws)
    before = snapshot(ws)
    result = kunde("ingest", write(tmp_path / "kasse.csv", till_rows()), "-w", ws, "--strict")
    no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 3
    assert "10 ordre(r)" in result.stderr and "--source" in result.stderr
    assert snapshot(ws) == before


def test_source_keeps_the_tills_orders_apart(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    till = write(tmp_path / "kasse.csv", till_rows())
    kunde("ingest", write(tmp_path / "web.csv", web_rows()), "-w", ws)
    kunde("ingest", till, "-w", ws)  # refused as collisions first
    result = kunde("ingest", till, "-w", ws, "--source", "Kasse", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [row] = ingest_json(result)
    assert (row["source"], row["accepted"], row["rejected"]) == ("kasse", 10, 0)
    lines = stored(ws)
    assert lines.height == 20
    # The first system keeps its own numbers; the till's are named by their system.
    ids = set(lines[s.ORDER_ID].to_list())
    assert {str(i) for i in range(1, 11)} <= ids
    assert {f"kasse:{i}" for i in range(1, 11)} <= ids
    assert lines[s.AMOUNT].sum() == 5500.0 + 2750.0
    # The rows once refused as collisions are stored now, so no longer refused.
    assert Workspace(ws).read_rejects().height == 0
    assert "kasse.csv" not in (ws / "rejects.csv").read_text(encoding="utf-8")
    # Ingesting the till's export again as the till stores nothing new.
    again = kunde("ingest", till, "-w", ws, "--source", "kasse", "--format", "json")
    assert ingest_json(again)[0]["accepted"] == 0
    seg = json.loads(kunde("segment", "-w", ws, "--format", "json").stdout)
    assert sum(r["customers"] for r in seg) == 20


def test_source_name_must_be_usable(tmp_path: Path) -> None:
    result = kunde(
        "ingest", write(tmp_path / "web.csv", web_rows()), "-w", tmp_path / "ws", "--source", ":/"
    )
    assert result.exit_code == 2
    assert "--source" in result.stderr
    no_traceback(result.stdout, result.stderr)


# --- 2. a newer export updates the orders it changed ----------------------------------


def test_a_newer_export_marking_an_order_refunded_updates_it(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kunde("ingest", write(tmp_path / "ordrer-okt.csv", web_rows()), "-w", ws)
    newer = web_rows()
    newer[2] = newer[2].replace("Gennemført", "Refunderet")  # order 3, 300 kr.
    newer[4] = newer[4].replace("Gennemført", "Annulleret")  # order 5, 500 kr.
    newer.append("11;W11;w11@webshop.dk;21-03-2024;1100,00 kr.;Gennemført")
    result = kunde(
        "ingest", write(tmp_path / "ordrer-nov.csv", newer), "-w", ws, "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    [row] = ingest_json(result)
    # 11 lines: 8 unchanged (duplicates), 2 changed + 1 new stored.
    assert (row["rows_read"], row["accepted"], row["duplicates"], row["changed"]) == (
        11,
        3,
        8,
        2,
    )
    assert "2 ordrer er ændret siden sidste eksport: 1 annulleret, 1 refunderet" in result.stderr
    lines = stored(ws)
    assert lines.height == 11  # the old versions of 3 and 5 are gone, not kept beside
    status = dict(zip(lines[s.ORDER_ID], lines[s.STATUS], strict=True))
    assert (status["3"], status["5"]) == ("refunderet", "annulleret")
    entry = Workspace(ws).manifest()["sources"][1]
    assert entry["changed"] == 2
    assert entry["changed_by_status"] == {"annulleret": 1, "refunderet": 1}
    # Revenue: 5.500 + 1.100 − 300 (refunded) − 500 (cancelled) = 5.800 kr.
    seg = json.loads(kunde("segment", "-w", ws, "--format", "json").stdout)
    assert round(sum(r["revenue"] for r in seg), 2) == 5800.0


def test_the_same_export_renamed_and_reordered_changes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kunde("ingest", write(tmp_path / "ordrer.csv", web_rows()), "-w", ws)
    before = stored(ws).drop(s.SOURCE_FILE, s.SOURCE_ROW)
    rows = web_rows()
    random.Random(7).shuffle(rows)
    result = kunde(
        "ingest", write(tmp_path / "eksport (1).csv", rows), "-w", ws, "--format", "json"
    )
    [row] = ingest_json(result)
    assert (row["accepted"], row["duplicates"], row["changed"]) == (0, 10, 0)
    after = stored(ws).drop(s.SOURCE_FILE, s.SOURCE_ROW)
    assert after.equals(before)


def test_lines_keep_the_file_and_row_they_came_from(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    path = write(tmp_path / "ordrer.csv", web_rows())
    kunde("ingest", path, "-w", ws)
    lines = stored(ws).sort(s.SOURCE_ROW)
    assert lines[s.SOURCE_FILE].to_list() == [str(path)] * 10
    assert lines[s.SOURCE_ROW].to_list() == list(range(2, 12))


def test_files_read_directly_overlay_like_ingest(tmp_path: Path) -> None:
    older = write(tmp_path / "okt.csv", web_rows())
    newer_rows = web_rows()
    newer_rows[2] = newer_rows[2].replace("Gennemført", "Refunderet")
    newer = write(tmp_path / "nov.csv", newer_rows)
    direct = json.loads(kunde("segment", older, newer, "--format", "json").stdout)
    ws = tmp_path / "ws"
    kunde("ingest", older, "-w", ws)
    kunde("ingest", newer, "-w", ws)
    stored_result = json.loads(kunde("segment", "-w", ws, "--format", "json").stdout)
    assert direct == stored_result
    assert round(sum(r["revenue"] for r in direct), 2) == 5500.0 - 300.0


# --- 1. survey answers without a response id ------------------------------------------

FORMS_HEADER = (
    "Tidsstempel,E-mailadresse,"
    '"Hvor sandsynligt er det, at du vil anbefale os til en ven?",Hvorfor?'
)


def forms_rows() -> list[str]:
    """Google Forms answers: 3 promoters, 1 passive, 2 detractors (two identical)."""
    return [
        "2024/03/04 9:12:45 AM GMT+1,mette@example.dk,10,Altid frisk kaffe",
        "2024/03/04 10:02:11 AM GMT+1,lars@example.dk,9,",
        "2024/03/05 8:30:00 PM GMT+1,,10,God service",
        "2024/03/06 1:15:09 PM GMT+1,sofie@example.dk,7,Ok",
        "2024/03/07 11:00:00 AM GMT+1,,3,Langsom levering",
        "2024/03/07 11:00:00 AM GMT+1,,3,Langsom levering",
    ]


def nps_of(ws: Path) -> dict:
    result = kunde("nps", "-w", ws, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_survey_reexported_under_a_new_name_is_counted_once(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    kunde("ingest", write(tmp_path / "svar.csv", web_rows()), "-w", ws)  # orders first
    march = write(tmp_path / "NPS (svar).csv", forms_rows(), FORMS_HEADER)
    first = kunde("ingest", march, "-w", ws, "--format", "json")
    assert ingest_json(first)[0]["accepted"] == 6  # the two identical answers both count
    # Next month's export: every old answer (in another order) and two new ones.
    april = [
        *reversed(forms_rows()),
        "2024/04/01 9:00:00 AM GMT+2,ny@example.dk,10,",
        "2024/04/02 9:00:00 AM GMT+2,,0,Aldrig igen",
    ]
    second = kunde(
        "ingest", write(tmp_path / "NPS (svar) (1).csv", april, FORMS_HEADER), "-w", ws,
        "--format", "json",
    )  # fmt: skip
    [row] = ingest_json(second)
    assert (row["rows_read"], row["accepted"], row["duplicates"]) == (8, 2, 6)
    answers = Workspace(ws).scan_survey().collect()
    assert answers.height == 8
    # 4 promoters (10, 9, 10, 10), 1 passive (7), 3 detractors (3, 3, 0) of 8: NPS 12.5.
    assert answers[s.SCORE].sort().to_list() == [0, 3, 3, 7, 9, 10, 10, 10]


def test_answers_stored_by_an_older_kunde_are_recognised_by_content(tmp_path: Path) -> None:
    from kunde_cli.ingest.survey import read_survey_frame
    from kunde_cli.store import SourceInfo

    ws = Workspace(tmp_path / "ws")
    frame = pl.read_csv(
        ("\n".join([FORMS_HEADER, *forms_rows()]) + "\n").encode(), infer_schema=False
    )
    answers, rejects = read_survey_frame(frame, path="gammel.csv")
    # The old key: <file name>:<row>.
    legacy = answers.with_columns(
        pl.format("gammel.csv:{}", pl.col(s.SOURCE_ROW)).alias(s.RESPONSE_ID)
    )
    ws.append_survey(legacy, rejects, source=SourceInfo("gammel.csv", sha256="old"))
    again, _ = read_survey_frame(frame.reverse(), path="ny.csv")
    summary = ws.append_survey(again, rejects, source=SourceInfo("ny.csv", sha256="new"))
    assert (summary.accepted, summary.duplicates) == (0, 6)


# --- the invariant, as a property -----------------------------------------------------

order_rows = st.lists(
    st.tuples(
        st.integers(1, 40),  # order number
        st.integers(1, 8),  # customer
        st.integers(1, 28),  # day of March
        st.integers(1, 5000),  # kroner
        st.sampled_from(["Gennemført", "Betalt", "Refunderet", "Annulleret"]),
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda row: row[0],
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=order_rows, seed=st.integers(0, 10_000), keep=st.floats(0.0, 1.0))
def test_reingesting_a_reordered_renamed_or_overlapping_export_changes_nothing(
    rows: list[tuple[int, int, int, int, str]], seed: int, keep: float
) -> None:
    lines = [
        f"{o};K{c};k{c}@shop.dk;{d:02d}-03-2024;{kr},00 kr.;{status}"
        for o, c, d, kr, status in rows
    ]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ws = tmp / "ws"
        assert kunde("ingest", write(tmp / "a.csv", lines), "-w", ws).exit_code == 0
        before = stored(ws).drop(s.SOURCE_FILE, s.SOURCE_ROW).sort(s.ORDER_ID)
        seg_before = kunde("segment", "-w", ws, "--format", "csv").stdout
        rng = random.Random(seed)
        again = rng.sample(lines, k=max(1, round(len(lines) * keep)))  # overlapping part
        result = kunde("ingest", write(tmp / f"eksport-{seed}.csv", again), "-w", ws)
        assert result.exit_code == 0, result.stderr
        after = stored(ws).drop(s.SOURCE_FILE, s.SOURCE_ROW).sort(s.ORDER_ID)
        assert after.equals(before)
        assert kunde("segment", "-w", ws, "--format", "csv").stdout == seg_before


def test_inspect_names_the_system_ingest_would_store_under(tmp_path: Path) -> None:
    layouts = Path(__file__).resolve().parents[1] / "data" / "layouts"
    shopify = next(layouts.glob("shopify*.csv"))
    web = write(tmp_path / "web.csv", web_rows())
    payload = json.loads(kunde("inspect", web, shopify, "--format", "json").stdout)
    assert [f["detected"]["source"] for f in payload] == ["shop", "shopify"]
    table = kunde("inspect", web)
    assert "source" in table.stdout and "shop" in table.stdout


def test_an_erased_customer_stays_erased_when_a_newer_export_changes_her_order(
    tmp_path: Path,
) -> None:
    ws = tmp_path / "ws"
    kunde("ingest", write(tmp_path / "okt.csv", web_rows()), "-w", ws)
    assert kunde("forget", "w3@webshop.dk", "-w", ws, "--yes").exit_code == 0
    # The same export again brings nothing back.
    again = kunde("ingest", write(tmp_path / "okt-igen.csv", web_rows()), "-w", ws, "-f", "json")
    assert ingest_json(again)[0]["accepted"] == 0
    # A newer export refunds her order 3: the refund counts, she stays erased.
    newer = web_rows()
    newer[2] = newer[2].replace("Gennemført", "Refunderet")
    result = kunde("ingest", write(tmp_path / "nov.csv", newer), "-w", ws, "-f", "json")
    assert ingest_json(result)[0]["changed"] == 1
    lines = stored(ws)
    order3 = lines.filter(pl.col(s.ORDER_ID) == "3").row(0, named=True)
    assert order3[s.STATUS] == "refunderet"
    assert order3[s.CUSTOMER_ID].startswith("erased-")
    assert (order3[s.EMAIL], order3[s.NAME]) == (None, None)
    assert "w3@webshop.dk" not in lines[s.EMAIL].drop_nulls().to_list()


SHEET_HEADER = "Svarnummer;Dato;E-mail;Hvor sandsynligt er det, at du vil anbefale os?;Kommentar"


def test_survey_numbers_reused_and_answers_edited_are_reported(tmp_path: Path) -> None:
    """A typed sheet numbered 1, 2 …: next month's sheet starts at 1 again (another
    person, or the same person another day: kept as answers of their own, with a
    warning); the same sheet typed again with a typo corrected (same number, person and
    day) replaces the stored answer, with a note."""
    ws = tmp_path / "ws"
    kunde("ingest", write(tmp_path / "ordrer.csv", web_rows()), "-w", ws)
    march = [
        "1;13-03-2024;w1@webshop.dk;10;Godt",
        "2;14-03-2024;w2@webshop.dk;3;Langsomt",
    ]
    kunde("ingest", write(tmp_path / "marts.csv", march, SHEET_HEADER), "-w", ws)
    april = [
        "1;16-04-2024;w3@webshop.dk;2;For dyrt",  # number 1 again, another person
        "2;15-04-2024;w2@webshop.dk;9;Nu er det bedre",  # w2 answered again in April
    ]
    result = kunde(
        "ingest", write(tmp_path / "april.csv", april, SHEET_HEADER), "-w", ws, "-f", "json"
    )
    assert result.exit_code == 0, result.stderr
    [row] = ingest_json(result)
    assert (row["rows_read"], row["accepted"], row["duplicates"], row["changed"]) == (2, 2, 0, 0)
    assert "2 svar har et svarnummer, som et andet gemt svar" in result.stderr
    answers = Workspace(ws).scan_survey().collect()
    assert sorted(answers[s.SCORE].to_list()) == [2, 3, 9, 10]
    # The same April sheet again: nothing new, nothing changed.
    again = kunde(
        "ingest", write(tmp_path / "april-igen.csv", april, SHEET_HEADER), "-w", ws, "-f", "json"
    )
    assert (ingest_json(again)[0]["accepted"], ingest_json(again)[0]["changed"]) == (0, 0)
    assert Workspace(ws).scan_survey().collect().height == 4
    # March's sheet typed again with a typo corrected (number 2, same person and day).
    fixed = ["1;13-03-2024;w1@webshop.dk;10;Godt", "2;14-03-2024;w2@webshop.dk;4;Langsomt"]
    result = kunde(
        "ingest", write(tmp_path / "marts-rettet.csv", fixed, SHEET_HEADER), "-w", ws, "-f", "json"
    )
    assert ingest_json(result)[0]["changed"] == 1
    assert "1 svar er ændret siden sidste eksport" in result.stderr
    assert sorted(Workspace(ws).scan_survey().collect()[s.SCORE].to_list()) == [2, 4, 9, 10]


def test_an_orders_lines_in_another_row_order_are_no_change(tmp_path: Path) -> None:
    """A three-line order exported again with its rows in another order (so kunde
    numbers its lines differently) is the same order: duplicates, not 'changed'."""
    ws = tmp_path / "ws"
    header = "Ordrenr;Kundenr;Ordredato;Vare;Beløb;Status"
    rows = [
        "7;K1;05-03-2024;Kaffe;50,00;Betalt",
        "7;K1;05-03-2024;Te;30,00;Betalt",
        "7;K1;05-03-2024;Kage;20,00;Betalt",
    ]
    kunde("ingest", write(tmp_path / "a.csv", rows, header), "-w", ws)
    again = kunde("ingest", write(tmp_path / "b.csv", rows[::-1], header), "-w", ws, "-f", "json")
    [row] = ingest_json(again)
    assert (row["accepted"], row["duplicates"], row["changed"]) == (0, 3, 0)
    assert stored(ws)[s.AMOUNT].sum() == 100.0


def test_an_older_workspaces_made_up_order_numbers_are_warned_about(tmp_path: Path) -> None:
    """A sheet without order numbers, stored by a kunde from before shop systems were
    recorded (numbers made another way): a newer export of it cannot be matched, and
    kunde says so instead of double-counting silently."""
    ws = tmp_path / "ws"
    header = "Kundenr;Ordredato;Beløb"
    rows = ["K1;05-03-2024;100,00", "K2;06-03-2024;200,00"]
    kunde("ingest", write(tmp_path / "ark.csv", rows, header), "-w", ws)
    # Make it a workspace as the older kunde wrote it.
    manifest = json.loads((ws / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["sources"]:
        entry.pop("source", None)
    (ws / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = kunde(
        "ingest",
        write(tmp_path / "ark-april.csv", [*rows, "K3;07-04-2024;50,00"], header),
        "-w",
        ws,
    )
    assert result.exit_code == 0, result.stderr
    assert "tælles de ordrer to gange" in result.stderr
    # A sheet with order numbers is not concerned.
    numbered = kunde("ingest", write(tmp_path / "web.csv", web_rows()), "-w", ws)
    assert "to gange" not in numbered.stderr


def test_the_export_made_later_counts_whatever_order_they_are_ingested_in(
    tmp_path: Path,
) -> None:
    """Two exports of order 3: the one made later (its file's date) counts. Ingesting
    the older one last keeps the refund (with a note); an export of March made after
    the April one (a re-download, with a refund since) changes order 3 again."""
    import os

    ws = tmp_path / "ws"
    march = write(tmp_path / "marts.csv", web_rows())
    refunded = web_rows()
    refunded[2] = refunded[2].replace("Gennemført", "Refunderet")
    april = write(tmp_path / "april.csv", refunded)
    os.utime(march, (1_711_929_600, 1_711_929_600))  # 1 April 2024
    os.utime(april, (1_714_521_600, 1_714_521_600))  # 1 May 2024
    kunde("ingest", april, "-w", ws)
    result = kunde("ingest", march, "-w", ws, "-f", "json")
    assert ingest_json(result)[0]["changed"] == 0
    assert "1 ordrer findes også i en eksport, der er lavet senere" in result.stderr
    assert stored(ws).filter(pl.col(s.ORDER_ID) == "3")[s.STATUS].item() == "refunderet"
    # March's orders downloaded again in June: order 3's refund was reversed since.
    again = write(
        tmp_path / "marts-juni.csv",
        [*web_rows(), "11;W11;w11@webshop.dk;31-03-2024;1100,00 kr.;Gennemført"],
    )
    os.utime(again, (1_717_200_000, 1_717_200_000))  # 1 June 2024
    result = kunde("ingest", again, "-w", ws, "-f", "json")
    assert ingest_json(result)[0]["changed"] == 1
    assert stored(ws).filter(pl.col(s.ORDER_ID) == "3")[s.STATUS].item() == "gennemført"


def test_files_read_directly_warn_about_reused_order_numbers_in_danish(tmp_path: Path) -> None:
    """Read directly, the till's orders 1–10 after the web shop's are left out with a
    warning (in Danish by default) naming the count and the fix."""
    web = write(tmp_path / "web.csv", web_rows())
    till = write(tmp_path / "kasse.csv", till_rows())
    result = kunde("segment", web, till, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "kasse.csv: 10 ordrenumre bruges allerede af andre ordrer" in result.stderr
    assert "--source NAVN" in result.stderr
    assert sum(r["customers"] for r in json.loads(result.stdout)) == 10


def test_an_export_of_refunds_only_adds_its_lines_and_says_so(tmp_path: Path) -> None:
    """Order 7: coffee 100 kr. and tea 50 kr.; an export of refunds lists only the tea's
    −50 kr. line. The line is added (revenue 150 − 50 = 100 kr. for order 7), with a
    note; the same refunds export again adds nothing."""
    ws = tmp_path / "ws"
    header = "Ordrenr;Kundenr;Ordredato;Vare;Beløb;Status"
    kunde(
        "ingest",
        write(
            tmp_path / "ordrer.csv",
            ["7;K7;15-03-2024;Kaffe;100,00;Betalt", "7;K7;15-03-2024;Te;50,00;Betalt"],
            header,
        ),
        "-w",
        ws,
    )
    refunds = ["7;K7;15-03-2024;Te;-50,00;Refunderet"]
    result = kunde("ingest", write(tmp_path / "refusioner.csv", refunds, header), "-w", ws)
    assert result.exit_code == 0, result.stderr
    assert "1 ordrer står kun med krediterede linjer" in result.stderr
    assert sorted(stored(ws)[s.AMOUNT].to_list()) == [-50.0, 50.0, 100.0]
    again = kunde(
        "ingest", write(tmp_path / "refusioner-igen.csv", refunds, header), "-w", ws, "-f", "json"
    )
    assert ingest_json(again)[0]["accepted"] == 0
