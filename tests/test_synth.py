"""The synthetic shop (kunde_cli.synth), its export writers and `kunde demo`."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from kunde_cli import schema as s
from kunde_cli import synth
from kunde_cli.cli.main import app
from kunde_cli.errors import ConfigError

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"
BOM = b"\xef\xbb\xbf"
DANISH_AMOUNT = r"^(kr\. )?-?\d{1,3}(\.\d{3})*,\d{2}( kr)?$"


@pytest.fixture(scope="module")
def shop() -> pl.DataFrame:
    """The demo shop: 2,000 customers, seed 7 (the one in sample_data/)."""
    return synth.generate_orders()


@pytest.fixture(scope="module")
def survey(shop: pl.DataFrame) -> pl.DataFrame:
    return synth.generate_survey(shop)


@pytest.fixture(scope="module")
def per_customer(shop: pl.DataFrame) -> pl.DataFrame:
    return shop.group_by(s.CUSTOMER_ID).agg(
        pl.col(s.ORDER_ID).n_unique().alias("orders"),
        pl.col(s.ORDER_ID).filter(pl.col(s.STATUS) == s.STATUS_PAID).n_unique().alias("paid"),
        (pl.col(s.STATUS) == s.STATUS_REFUNDED).any().alias("refunded"),
        pl.col(s.AMOUNT).sum().alias("revenue"),
        pl.col(s.ORDER_DATE).max().alias("last"),
    )


def _orders(shop: pl.DataFrame) -> pl.DataFrame:
    """One row per order: first line's status, number of lines, any negative line."""
    return shop.group_by(s.ORDER_ID).agg(
        pl.col(s.STATUS).first().alias("status"),
        pl.len().alias("lines"),
        (pl.col(s.AMOUNT) < 0).any().alias("has_refund_line"),
    )


# --- determinism and size -------------------------------------------------------------


def test_same_seed_same_frame_and_bytes(tmp_path: Path) -> None:
    a = synth.generate_orders(n_customers=300, seed=3)
    b = synth.generate_orders(n_customers=300, seed=3)
    assert_frame_equal(a, b)
    synth.write_danish_csv(a, tmp_path / "a.csv", bad_rows=True)
    synth.write_danish_csv(b, tmp_path / "b.csv", bad_rows=True)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    synth.write_shopify_csv(a, tmp_path / "a_shop.csv")
    synth.write_shopify_csv(b, tmp_path / "b_shop.csv")
    assert (tmp_path / "a_shop.csv").read_bytes() == (tmp_path / "b_shop.csv").read_bytes()
    sa, sb = synth.generate_survey(a, seed=3), synth.generate_survey(b, seed=3)
    synth.write_survey_google_forms(sa, tmp_path / "a_nps.csv")
    synth.write_survey_google_forms(sb, tmp_path / "b_nps.csv")
    assert (tmp_path / "a_nps.csv").read_bytes() == (tmp_path / "b_nps.csv").read_bytes()


def test_other_seed_other_frame() -> None:
    a = synth.generate_orders(n_customers=300, seed=3)
    b = synth.generate_orders(n_customers=300, seed=4)
    assert not a.equals(b)


@pytest.mark.parametrize("n_lines", [1, 7, 1_000, 54_321])
def test_exact_number_of_lines(n_lines: int) -> None:
    lines = synth.generate_orders(n_lines=n_lines, seed=11)
    assert lines.height == n_lines


def test_n_lines_is_deterministic() -> None:
    assert_frame_equal(
        synth.generate_orders(n_lines=5_000, seed=2), synth.generate_orders(n_lines=5_000, seed=2)
    )


def test_number_of_customers(per_customer: pl.DataFrame) -> None:
    assert per_customer.height == 2000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_customers": 10, "n_lines": 10},
        {"n_customers": 0},
        {"n_lines": 0},
        {"n_customers": 10, "years": 0},
        {"n_customers": 10, "seed": -1},
    ],
)
def test_bad_arguments_raise_config_error(kwargs: dict[str, int]) -> None:
    with pytest.raises(ConfigError):
        synth.generate_orders(**kwargs)


# --- shape of the orders frame --------------------------------------------------------


def test_canonical_columns_and_types(shop: pl.DataFrame) -> None:
    assert shop.schema == pl.Schema({c: s.ORDERS[c] for c in synth.ORDER_COLUMNS})
    required = [s.ORDER_ID, s.LINE_NO, s.CUSTOMER_ID, s.ORDER_DATE, s.AMOUNT, s.STATUS]
    assert shop.select(pl.col(required).null_count()).row(0) == (0,) * len(required)


def test_sorted_by_order_then_line_and_lines_numbered_from_one(shop: pl.DataFrame) -> None:
    order_no = shop[s.ORDER_ID].cast(pl.Int64)
    assert order_no.diff().drop_nulls().min() >= 0
    assert order_no.min() == 1001
    # within an order, lines are 1, 2, …, k with no gaps
    expected = pl.int_range(1, pl.len() + 1).over(s.ORDER_ID)
    assert shop.select((pl.col(s.LINE_NO) == expected).all()).item()


def test_order_numbers_follow_time(shop: pl.DataFrame) -> None:
    firsts = shop.filter(pl.col(s.LINE_NO) == 1)
    assert firsts[s.ORDER_DATE].is_sorted()


def test_dates_cover_three_years_up_to_end(shop: pl.DataFrame) -> None:
    first, last = shop[s.ORDER_DATE].min(), shop[s.ORDER_DATE].max()
    assert last.date() <= synth.DEFAULT_END
    assert last.date() >= synth.DEFAULT_END - timedelta(days=14)
    assert first.date() >= synth.DEFAULT_END - timedelta(days=round(3 * 365.25))
    assert first.date() <= synth.DEFAULT_END - timedelta(days=3 * 365 - 60)


def test_custom_end_and_years() -> None:
    lines = synth.generate_orders(n_customers=200, end=date(2020, 6, 30), years=1.0)
    assert lines[s.ORDER_DATE].max() < datetime(2020, 7, 1)
    assert lines[s.ORDER_DATE].min() >= datetime(2019, 7, 1)


def test_one_to_five_lines_plus_refund_line(shop: pl.DataFrame) -> None:
    orders = _orders(shop)
    positive = shop.filter(pl.col(s.AMOUNT) >= 0).group_by(s.ORDER_ID).len()
    assert positive["len"].min() == 1
    assert positive["len"].max() == 5
    assert orders["lines"].max() <= 6


# --- heterogeneity: every analysis needs something to find ----------------------------


def test_many_one_time_buyers(per_customer: pl.DataFrame) -> None:
    share = (per_customer["orders"] == 1).mean()
    assert 0.55 <= share <= 0.62


def test_regulars_with_four_or_more_orders(per_customer: pl.DataFrame) -> None:
    regulars = per_customer.filter(pl.col("orders") >= 4)
    assert regulars.height >= 0.10 * per_customer.height
    assert per_customer["orders"].max() >= 20


def test_lapsed_regulars(per_customer: pl.DataFrame) -> None:
    """Regulars whose last order is more than a year before the end."""
    cutoff = datetime(2025, 10, 31)
    lapsed = per_customer.filter((pl.col("orders") >= 4) & (pl.col("last") < cutoff))
    assert lapsed.height >= 20


def test_a_few_big_spenders(per_customer: pl.DataFrame) -> None:
    revenue = per_customer["revenue"]
    top = revenue.sort(descending=True).head(int(0.02 * revenue.len()))
    assert top.min() > 10 * revenue.median()


def test_refunds_and_cancellations(shop: pl.DataFrame) -> None:
    orders = _orders(shop)
    n = orders.height
    full_refunds = (orders["status"] == s.STATUS_REFUNDED).sum()
    partial = orders["has_refund_line"].sum()
    cancelled = (orders["status"] == s.STATUS_CANCELLED).sum()
    assert 0.02 <= (full_refunds + partial) / n <= 0.04  # ~3 % of orders
    assert 0.01 <= cancelled / n <= 0.03  # ~2 %
    assert partial > 0
    assert full_refunds > 0
    # a refund line is negative, marked refunded, and comes after the order's lines
    refund_lines = shop.filter(pl.col(s.AMOUNT) < 0)
    assert (refund_lines[s.STATUS] == s.STATUS_REFUNDED).all()
    assert (refund_lines[s.QUANTITY] < 0).all()


def test_refund_line_credits_a_line_of_its_order(shop: pl.DataFrame) -> None:
    credit = shop.filter(pl.col(s.AMOUNT) < 0).select(
        s.ORDER_ID, s.PRODUCT, (-pl.col(s.AMOUNT)).alias(s.AMOUNT)
    )
    matched = credit.join(shop.filter(pl.col(s.LINE_NO) == 1), on=[s.ORDER_ID, s.PRODUCT, s.AMOUNT])
    assert matched.height == credit.height


def test_both_channels(shop: pl.DataFrame) -> None:
    share_shop = (shop[s.CHANNEL] == "Butik").mean()
    assert set(shop[s.CHANNEL].unique()) == {"Webshop", "Butik"}
    assert 0.05 <= share_shop <= 0.4


# --- Danish people and places -----------------------------------------------------------


def test_danish_names_products_and_places(shop: pl.DataFrame) -> None:
    assert shop[s.NAME].str.contains("[æøåÆØÅ]").any()
    assert shop[s.PRODUCT].str.contains("[æøåÆØÅ]").any()
    assert "Økologisk kaffe 500 g" in set(shop[s.PRODUCT])
    assert (shop[s.COUNTRY] == "Danmark").all()
    pairs = shop.select(s.POSTCODE, s.CITY).unique()
    assert pairs[s.POSTCODE].is_unique().all()  # one town per postcode
    assert {("8000", "Aarhus C"), ("2100", "København Ø")} <= set(pairs.iter_rows())


def test_emails_as_typed(shop: pl.DataFrame) -> None:
    email = shop[s.EMAIL].drop_nulls()
    assert email.str.contains("[A-Z]").any()
    assert email.str.starts_with(" ").any()
    assert shop.filter(pl.col(s.CHANNEL) == "Butik")[s.EMAIL].null_count() > 0
    assert shop.filter(pl.col(s.CHANNEL) == "Webshop")[s.EMAIL].null_count() == 0


@pytest.mark.parametrize(
    "pattern",
    [
        r"^\+45 \d\d \d\d \d\d \d\d$",
        r"^\d{8}$",
        r"^0045\d{8}$",
        r"^\d\d \d\d \d\d \d\d$",
        r"^\+45\d{8}$",
    ],
)
def test_phone_styles_present(shop: pl.DataFrame, pattern: str) -> None:
    assert shop[s.PHONE].drop_nulls().str.contains(pattern).any()


def test_one_identity_per_customer(shop: pl.DataFrame) -> None:
    """Normalised e-mail and phone identify one customer each, and each customer has one."""
    norm = shop.select(
        s.CUSTOMER_ID,
        pl.col(s.EMAIL).str.strip_chars().str.to_lowercase().alias("email"),
        pl.col(s.PHONE).str.replace_all(r"\D", "").str.slice(-8).alias("phone"),
    )
    for key in ("email", "phone"):
        pairs = norm.drop_nulls(key).select(s.CUSTOMER_ID, key).unique()
        assert pairs[key].is_unique().all(), key
        assert pairs[s.CUSTOMER_ID].is_unique().all(), key
    # nobody is unreachable: every line has an e-mail or a phone
    assert norm.filter(pl.col("email").is_null() & pl.col("phone").is_null()).height == 0


# --- survey -----------------------------------------------------------------------------


def test_survey_columns_and_ranges(survey: pl.DataFrame, shop: pl.DataFrame) -> None:
    assert survey.schema == pl.Schema({c: s.SURVEY[c] for c in synth.SURVEY_COLUMNS})
    assert survey[s.RESPONSE_ID].is_unique().all()
    assert survey[s.SCORE].min() >= 0
    assert survey[s.SCORE].max() <= 10
    assert survey[s.RESPONDED_AT].max() < datetime(2026, 11, 1)
    assert survey[s.RESPONDED_AT].is_sorted()
    customers = shop[s.CUSTOMER_ID].n_unique()
    assert 0.15 * customers <= survey.height <= 0.3 * customers


def test_survey_comments(survey: pl.DataFrame) -> None:
    no_comment = survey[s.COMMENT].is_null().mean()
    assert 0.12 <= no_comment <= 0.28
    comments = survey[s.COMMENT].drop_nulls()
    assert comments.str.contains("[æøå]").any()
    assert comments.is_in(
        ["Great service and fast delivery", "Love the products, will buy again"]
    ).any()


def test_survey_potential_customers(survey: pl.DataFrame, shop: pl.DataFrame) -> None:
    potential = survey.filter(pl.col(s.CUSTOMER_ID).is_null())
    assert potential.height >= 5
    known = shop[s.EMAIL].drop_nulls().str.strip_chars().str.to_lowercase()
    assert not potential[s.EMAIL].str.to_lowercase().is_in(known.implode()).any()


def test_scores_follow_behaviour(survey: pl.DataFrame, per_customer: pl.DataFrame) -> None:
    answers = survey.join(per_customer, on=s.CUSTOMER_ID)
    loyal = answers.filter(pl.col("paid") >= 4)
    once = answers.filter(pl.col("orders") == 1)
    refunded_once = once.filter(pl.col("refunded"))
    promoters = lambda frame: (frame[s.SCORE] >= 9).mean()  # noqa: E731
    assert promoters(loyal) > promoters(once) + 0.2
    assert refunded_once[s.SCORE].mean() < once.filter(~pl.col("refunded"))[s.SCORE].mean() - 2


# --- the Danish export ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.5, "1.234,50"),
        (-299.0, "-299,00"),
        (0.5, "0,50"),
        (999.999, "1.000,00"),
        (1234567.891, "1.234.567,89"),
    ],
)
def test_danish_money(value: float, expected: str) -> None:
    assert pl.select(synth._money_da(pl.lit(value))).item() == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(1234.5, "1234.50"), (-0.07, "-0.07"), (0.0, "0.00")]
)
def test_english_money(value: float, expected: str) -> None:
    assert pl.select(synth._money_en(pl.lit(value))).item() == expected


@pytest.fixture(scope="module")
def danish_file(shop: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("da") / "ordrer.csv"
    synth.write_danish_csv(shop, path, bad_rows=True)
    return path


def _read_danish(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, separator=";", infer_schema=False)


def test_danish_header_bom_and_separator(danish_file: Path) -> None:
    raw = danish_file.read_bytes()
    assert raw.startswith(BOM)
    header = raw[len(BOM) :].split(b"\n", 1)[0].decode("utf-8")
    assert header == (
        "Ordrenummer;Linje;Ordredato;Kundenummer;Navn;E-mail;Telefon;Vare;Kategori;Antal;"
        "Beløb;Postnummer;By;Land;Status;Kanal;Nyhedsbrev"
    )
    assert header.split(";") == synth.DANISH_HEADERS


def test_danish_values_round_trip(danish_file: Path, shop: pl.DataFrame) -> None:
    text = _read_danish(danish_file)
    assert text.height == shop.height + synth.N_BAD_ROWS
    good = text.filter(
        pl.col("Ordrenummer").cast(pl.Int64) <= shop[s.ORDER_ID].cast(pl.Int64).max()
    )
    assert good.height == shop.height
    amount = good["Beløb"]
    assert amount.str.contains(DANISH_AMOUNT).all()
    assert amount.str.starts_with("kr. ").any()
    assert amount.str.ends_with(" kr").any()
    assert amount.str.contains(r"^\d{1,3}\.\d{3},\d{2}$").any()  # thousands dot
    parsed = (
        amount.str.replace_all(r"kr\.? ?| kr", "")
        .str.replace_all(".", "", literal=True)
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64)
    )
    assert (parsed - shop[s.AMOUNT]).abs().max() < 0.005
    assert good["Ordredato"].str.contains(r"^\d\d-\d\d-\d{4} \d\d:\d\d$").all()
    dates = good["Ordredato"].str.to_datetime("%d-%m-%Y %H:%M")
    assert (dates == shop[s.ORDER_DATE].dt.truncate("1m")).all()
    assert set(good["Status"]) == {"Betalt", "Refunderet", "Annulleret"}
    assert set(good["Nyhedsbrev"]) == {"Ja", "Nej"}
    assert (good["Kundenummer"] == shop[s.CUSTOMER_ID]).all()


def test_danish_bad_rows(danish_file: Path, shop: pl.DataFrame) -> None:
    text = _read_danish(danish_file)
    last = shop[s.ORDER_ID].cast(pl.Int64).max()
    bad = text.filter(pl.col("Ordrenummer").cast(pl.Int64) > last)
    assert bad["Ordrenummer"].cast(pl.Int64).to_list() == list(range(last + 1, last + 9))
    assert bad["Ordredato"].null_count() == 2
    assert (bad["Ordredato"] == "31-02-2025 10:15").sum() == 2
    assert (bad["Beløb"] == "ukendt").sum() == 2
    anonymous = bad.filter(pl.all_horizontal(pl.col("Kundenummer", "E-mail", "Telefon").is_null()))
    assert anonymous.height == 2
    # spread through the file, not bunched at the end
    rows = text.with_row_index().filter(pl.col("Ordrenummer").cast(pl.Int64) > last)["index"]
    assert rows.min() < text.height / 5
    assert rows.max() < text.height - 100


def test_danish_without_bad_rows(shop: pl.DataFrame, tmp_path: Path) -> None:
    synth.write_danish_csv(shop.head(50), tmp_path / "o.csv")
    text = _read_danish(tmp_path / "o.csv")
    assert text.height == 50
    assert text["Beløb"].str.contains(DANISH_AMOUNT).all()


# --- the Shopify export ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shopify(shop: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    path = tmp_path_factory.mktemp("shopify") / "orders_export.csv"
    synth.write_shopify_csv(shop, path)
    assert not path.read_bytes().startswith(BOM)
    return pl.read_csv(path, infer_schema=False)


ORDER_FIELDS = [
    "Email",
    "Financial Status",
    "Paid at",
    "Accepts Marketing",
    "Total",
    "Created at",
    "Billing Name",
    "Billing City",
    "Billing Zip",
    "Source",
]


def test_shopify_header(shopify: pl.DataFrame) -> None:
    assert shopify.columns == synth.SHOPIFY_HEADERS
    assert shopify.columns[:4] == ["Name", "Email", "Financial Status", "Paid at"]
    assert {
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Billing Zip",
        "Refunded Amount",
    } <= set(shopify.columns)


def test_shopify_one_row_per_positive_line(shopify: pl.DataFrame, shop: pl.DataFrame) -> None:
    assert shopify.height == shop.filter(pl.col(s.AMOUNT) >= 0).height
    assert shopify["Name"].str.contains(r"^#\d+$").all()
    assert shopify["Name"][0] == "#1001"


def test_shopify_order_fields_only_on_first_line(shopify: pl.DataFrame) -> None:
    first = shopify["Name"] != shopify["Name"].shift(1)
    firsts, others = shopify.filter(first), shopify.filter(~first)
    assert others.height > 0
    for column in ORDER_FIELDS:
        assert others[column].null_count() == others.height, column
    for column in (
        "Financial Status",
        "Created at",
        "Total",
        "Billing Name",
        "Source",
        "Accepts Marketing",
    ):
        assert firsts[column].null_count() == 0, column
    # line-item fields are on every row
    for column in ("Lineitem quantity", "Lineitem name", "Lineitem price", "Vendor"):
        assert shopify[column].null_count() == 0, column


def test_shopify_dates_and_numbers(shopify: pl.DataFrame) -> None:
    created = shopify["Created at"].drop_nulls()
    assert created.str.contains(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]00$").all()
    assert created.str.ends_with("+0100").any()
    assert created.str.ends_with("+0200").any()
    for column in ("Total", "Subtotal", "Taxes", "Lineitem price", "Refunded Amount"):
        assert shopify[column].drop_nulls().str.contains(r"^\d+\.\d\d$").all(), column
    assert set(shopify["Financial Status"].drop_nulls()) == {
        "paid",
        "refunded",
        "partially_refunded",
        "voided",
    }
    assert set(shopify["Source"].drop_nulls()) == {"web", "pos"}


def test_shopify_totals_match_lines(shopify: pl.DataFrame, shop: pl.DataFrame) -> None:
    """Total = Σ (Lineitem price × quantity − Lineitem discount) = the order's positive lines."""
    numbers = shopify.with_columns(
        pl.col("Lineitem price", "Lineitem discount", "Total", "Refunded Amount").cast(pl.Float64),
        pl.col("Lineitem quantity").cast(pl.Int64),
    )
    per_order = numbers.group_by("Name").agg(
        (pl.col("Lineitem price") * pl.col("Lineitem quantity") - pl.col("Lineitem discount"))
        .sum()
        .alias("lines"),
        pl.col("Total").drop_nulls().first(),
        pl.col("Refunded Amount").drop_nulls().first().alias("refunded"),
        pl.col("Financial Status").drop_nulls().first().alias("financial"),
    )
    assert (per_order["lines"] - per_order["Total"]).abs().max() < 0.01
    expected = shop.group_by(s.ORDER_ID).agg(
        pl.col(s.AMOUNT).filter(pl.col(s.AMOUNT) > 0).sum().alias("gross"),
        (-pl.col(s.AMOUNT).filter(pl.col(s.AMOUNT) < 0).sum()).alias("credit"),
    )
    joined = per_order.with_columns(pl.col("Name").str.strip_prefix("#").alias(s.ORDER_ID)).join(
        expected, on=s.ORDER_ID
    )
    assert joined.height == per_order.height
    assert (joined["Total"] - joined["gross"]).abs().max() < 0.01
    partial = joined.filter(pl.col("financial") == "partially_refunded")
    assert partial.height > 0
    assert (partial["refunded"] - partial["credit"]).abs().max() < 0.01
    full = joined.filter(pl.col("financial") == "refunded")
    assert (full["refunded"] - full["Total"]).abs().max() < 0.01


def test_summer_time_matches_time_zone_database() -> None:
    hours = pl.datetime_range(datetime(2023, 1, 1), datetime(2026, 12, 31, 23), "1h", eager=True)
    # 02:00-02:59 does not exist in March and is ambiguous in October: never generated
    frame = pl.DataFrame({"t": hours}).filter(pl.col("t").dt.hour() != 2)
    tz = pl.col("t").dt.replace_time_zone("Europe/Copenhagen").dt.to_string("%z")
    assert frame.select((synth._utc_offset(pl.col("t")) == tz).all()).item()


# --- the Google Forms survey ------------------------------------------------------------


def test_google_forms_file(survey: pl.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "nps.csv"
    synth.write_survey_google_forms(survey, path)
    raw = path.read_bytes()
    assert not raw.startswith(BOM)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == [
        "Tidsstempel",
        "E-mailadresse",
        "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?",
        "Hvad er den vigtigste grund til din score?",
    ]
    assert len(rows) - 1 == survey.height  # quoted line breaks stay inside their row
    back = pl.read_csv(path, infer_schema=False)
    stamp = back["Tidsstempel"]
    assert stamp.str.contains(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d GMT\+[12]$").all()
    assert stamp.str.ends_with("GMT+1").any()
    assert stamp.str.ends_with("GMT+2").any()
    parsed = stamp.str.slice(0, 19).str.to_datetime("%Y/%m/%d %H:%M:%S")
    assert (parsed == survey[s.RESPONDED_AT]).all()
    assert (back[GF_SCORE].cast(pl.Int8) == survey[s.SCORE]).all()
    assert back["Hvad er den vigtigste grund til din score?"].str.contains("\n").any()


GF_SCORE = "Hvor sandsynligt er det, at du vil anbefale os til en ven eller kollega?"


# --- kunde demo -------------------------------------------------------------------------


def test_demo_writes_both_files(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--out", str(out), "--customers", "150", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    orders, answers = out / "ordrer.csv", out / "nps_svar.csv"
    assert result.stdout.splitlines() == [str(orders), str(answers)]
    assert f"kunde ingest {orders} {answers}" in result.stderr
    assert orders.read_bytes().startswith(BOM)
    text = _read_danish(orders)
    assert text["Kundenummer"].n_unique() == 150 + 1  # + the anonymous bad rows (null)
    assert pl.read_csv(answers, infer_schema=False).height > 0


def test_demo_defaults_reproduce_sample_data(tmp_path: Path) -> None:
    """`kunde demo` with its defaults writes exactly the files shipped in sample_data/."""
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    for name in ("ordrer.csv", "nps_svar.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE_DATA / name).read_bytes(), name


def test_sample_data_is_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLE_DATA.iterdir())
    assert total < 3_000_000


def test_demo_out_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    result = CliRunner().invoke(app, ["demo", "--out", str(target)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Fejl: {target}: er ikke en mappe",
        "Tip: giv --output et mappenavn, fx --output demo",
    ]
    english = CliRunner().invoke(app, ["demo", "--out", str(target), "--lang", "en"])
    assert english.exit_code == 2
    assert english.stderr.splitlines() == [
        f"Error: {target}: is not a folder",
        "Hint: give --output a folder name, e.g. --output demo",
    ]


def _next_line(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The line `kunde demo` ends with (on stderr), run in ``tmp_path``."""
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--out", str(out), "--customers", "20", *args], env=env
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(out / "ordrer.csv"), str(out / "nps_svar.csv")]
    return result.stderr.strip()


def test_demo_says_the_next_step_in_the_runs_language(tmp_path: Path, monkeypatch) -> None:
    """Danish by default; --lang, else $KUNDE_LANG, else lang in ./kunde.toml."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUNDE_LANG", raising=False)
    files = f"{tmp_path / 'demo' / 'ordrer.csv'} {tmp_path / 'demo' / 'nps_svar.csv'}"
    assert _next_line(tmp_path) == f"Næste skridt: kunde ingest {files}"
    assert _next_line(tmp_path, "--lang", "en") == f"Next: kunde ingest {files}"
    assert _next_line(tmp_path, env={"KUNDE_LANG": "en"}) == f"Next: kunde ingest {files}"
    (tmp_path / "kunde.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert _next_line(tmp_path) == f"Next: kunde ingest {files}"
    assert _next_line(tmp_path, "--lang", "da") == f"Næste skridt: kunde ingest {files}"
