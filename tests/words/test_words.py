"""kunde_cli/words: labels, sentences and formats for da and en, in one place."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from kunde_cli import words
from kunde_cli.words import actions, explain, inspect, personas
from kunde_cli.words.personas import PersonaFacts, Phrase

ROOT = Path(__file__).resolve().parents[2] / "kunde_cli"


# --- formats -------------------------------------------------------------------------


def test_numbers_money_percent_and_dates_in_both_languages() -> None:
    assert words.format_number(1234567.891, "da", 2) == "1.234.567,89"
    assert words.format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert words.format_money(-1234.5, "da") == "-1.234,50 kr."
    assert words.format_money(-1234.5, "en") == "DKK -1,234.50"
    assert words.format_money(10, "en", "EUR", 0) == "EUR 10"
    assert words.format_percent(0.8889, "da") == "88,9 %"
    assert words.format_percent(0.8889, "en", 0) == "89%"
    assert words.format_points(88.89, "da", 1) == "88,9 %"
    assert words.format_number(float("nan")) == "" and words.format_percent(None) == ""
    assert words.format_date(date(2024, 3, 5), "da") == "05-03-2024"
    assert words.format_date(date(2024, 3, 5), "en") == "2024-03-05"


def test_render_numbers_and_i18n_pass_on_the_same_functions() -> None:
    from kunde_cli.render import i18n, numbers

    assert numbers.format_money is words.format_money
    assert i18n.label is words.label and i18n.LABELS is words.LABELS
    assert i18n.label_values is words.label_values


def test_label_values_list_and_dict_forms() -> None:
    frame = pl.DataFrame({"segment": ["at_risk", "vip", None], "tier": ["lost", "active", "x"]})
    by_list = words.label_values(frame, ["segment"], "da")
    assert by_list["segment"].to_list() == ["I fare", "vip", None]
    by_dict = words.label_values(frame, {"segment": "", "tier": "tier_"}, "en")
    assert by_dict["segment"].to_list() == ["At risk", "vip", None]
    # As label(): an unknown value shows its whole key, prefix included.
    assert by_dict["tier"].to_list() == ["Lost", "Active", "tier_x"]
    # A number column is left alone; a missing column is skipped.
    assert words.label_values(pl.DataFrame({"n": [1]}), ["n", "nope"], "da").equals(
        pl.DataFrame({"n": [1]})
    )


def test_one_label_values_in_the_package() -> None:
    defined = [
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*.py")
        if re.search(r"^def _?label_values\(", p.read_text(encoding="utf-8"), re.M)
    ]
    assert defined == ["words/labels.py"]


# --- actions -------------------------------------------------------------------------


def test_actions_by_key_in_both_languages() -> None:
    assert actions.segment_name("at_risk", "da") == "i fare"
    assert actions.rung_name("first_time", "en") == "first-time customer"
    assert actions.action_text("tier_cooling", "da") == actions.tier_action("cooling", "da")
    assert actions.tier_action("cooling", "da").startswith("Send en påmindelse")
    assert actions.tier_action("cooling", "en").startswith("Send a reminder")
    keys = pl.DataFrame({"action": ["segment_lost", "rung_first_time", "tier_lost", "tier_x"]})
    assert actions.word_actions(keys, "da")["action"].to_list() == [
        "Prøv én genaktiveringskampagne; ellers lad dem være.",
        actions.rung_next_step("first_time", "da"),
        actions.tier_action("lost", "da"),
        None,  # a tier kunde does not know has no advice
    ]
    frame = pl.DataFrame({"segment": ["lost", "made_up"]})
    out = frame.select(actions.segment_action_expr("segment", "en"))["segment"].to_list()
    assert out == ["Try one win-back campaign; otherwise leave them be.", actions.GENERIC_ACTION[1]]


# --- persona cards -------------------------------------------------------------------


def test_persona_card_from_keys_and_values() -> None:
    facts = PersonaFacts(
        group="at_risk",
        who=(
            Phrase("who", {"customers": 12, "share_customers": 0.125}),
            Phrase("who_revenue", {"share_revenue": 0.3}),
            Phrase("who_cities", {"value": "Aarhus (50 %)"}),
            Phrase("who_nps", {"nps": -20.0, "responses": 1}),
        ),
        buys=(Phrase("buys_aov", {"aov": 1500.0}), Phrase("buys_categories", {"value": "Te"})),
        how_often=(
            Phrase("often_orders", {"orders": 2.5}),
            Phrase("often_gap", {"gap": 30.0}),
            Phrase("often_recency", {"recency": 90.0}),
        ),
        what_to_do=(Phrase("do_reactivate", {"recency": 90.0, "gap": 30.0}), Phrase("do_nps_low")),
    )
    da = personas.persona_card(facts, "da")
    assert da.name == "Dem, vi er ved at miste"
    # 12,5 % rounds to 12 % (no decimals), as the cards always did.
    assert da.who == (
        "12 kunder (12 % af alle), der står for 30 % af omsætningen. Flest i Aarhus (50 %). "
        "Anbefalingsvilje: NPS -20 (1 svar)."
    )
    assert da.buys == "Gennemsnitlig ordre 1.500,00 kr. Kategorier: Te."
    assert da.how_often == (
        "2,5 ordrer pr. kunde, typisk 30 dage mellem to ordrer; sidste køb typisk for 90 dage siden."
    )
    assert da.what_to_do.startswith("De er længe om at komme igen (90 dage")
    en = personas.persona_card(facts, "en", currency="EUR")
    assert en.who.startswith("12 customers (12% of all), bringing in 30% of revenue.")
    assert en.buys == "Average order EUR 1,500.00. Categories: Te."
    assert "(1 answer)" in en.who


# --- explain -------------------------------------------------------------------------


def test_explain_rules_in_both_languages() -> None:
    assert (
        explain.band_rule("monetary", 1138.0, 3, 605.0, 1379.0, "quintile", "da")
        == "1.138,00 kr. omsætning → M=3 (kvintiler: M3 dækker her 605,00 kr.–1.379,00 kr.)"
    )
    assert (
        explain.band_rule("frequency", 7, 5, 6, None, "fixed", "en")
        == "7 counted orders → F=5 (fixed breaks: F5 = 6+ orders)"
    )
    assert explain.segment_rule(3, 3, "needs_attention", "da") == (
        "R=3 og F=3 → kræver opmærksomhed"
    )
    limits = {"returning_min_orders": 2, "loyal_min_orders": 4, "ambassador_min_score": 9}
    assert explain.ladder_rule("returning", 5, True, "lost", None, lang="en", **limits) == (
        "5 counted orders (≥ 4) but inactive (lost) → returning customer, not loyal"
    )
    assert explain.activity_rule(40, 12.5, "cooling", "en") == (
        "40 days since last order; usual gap 12.5 days between orders (median) → cooling"
    )
    assert explain.activity_rule(40, None, None, "da") is None
    # Danish explain names the activity tier in Danish, not by its code (issue 16 point 2).
    assert explain.ladder_rule("returning", 5, True, "lost", None, lang="da", **limits) == (
        "5 talte ordrer (≥ 4) men inaktiv (tabt) → genkøber, ikke loyal"
    )
    assert explain.activity_rule(40, 12.5, "cooling", "da") == (
        "40 dage siden sidste ordre; plejer 12,5 dage mellem ordrer (median) → kølnet"
    )


# --- inspect -------------------------------------------------------------------------

ORDERS = (
    "Ordrenummer;Ordredato;Kundenummer;Navn;Beløb\n1;15-03-2024;K1;Søren;1.234,50\n2;;K2;Bo;45,00\n"
)


@pytest.fixture
def inspected(tmp_path: Path):
    from kunde_cli.ingest import read_any

    path = tmp_path / "ordrer.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return read_any(path)


def _shown(result, lang: str) -> str:
    from kunde_cli.render.inspect_view import print_inspect

    out = io.StringIO()
    print_inspect(result, lang=lang, file=out)
    return out.getvalue()


def test_inspect_speaks_danish_in_danish(inspected) -> None:
    da = _shown(inspected, "da")
    for word in ("Tegnsæt", "Skilletegn", "dag først", "ordrer", "kendt kolonnenavn"):
        assert word in da, word
    assert re.search(r"ingen dato +no_date", da)
    en = _shown(inspected, "en")
    for word in ("encoding", "delimiter", "dayfirst", "synonym", "no date"):
        assert word in en, word
    for word in ("Tegnsæt", "dag først", "ingen dato", "kendt kolonnenavn", "semikolon"):
        assert word not in en, word


def test_every_reject_reason_has_danish_words() -> None:
    from kunde_cli.ingest import validate

    source = Path(validate.__file__).read_text(encoding="utf-8")
    reasons = set(re.findall(r'reason=pl\.lit\("([^"]+)"\)', source)) | {validate.FUTURE_REASON}
    from kunde_cli.words.labels import LABELS

    assert reasons and {f"reject_{r}" for r in reasons} <= set(LABELS)
    for reason in reasons:
        assert inspect.reject_reason(reason, "en") != reason  # a code, worded
        assert inspect.reject_reason(reason, "da") not in (
            reason,
            inspect.reject_reason(reason, "en"),
        )


# --- analytics hold no words -----------------------------------------------------------


ANALYTICS = sorted((ROOT / "analytics").rglob("*.py"))
#: text.py's Danish stop words are data (words to skip in comments), not words kunde shows.
STOP_WORDS = re.compile(r"^DANISH_STOP_WORDS = .*?^ENGLISH_STOP_WORDS = ", re.M | re.S)


def _without_stop_words(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    if path.relative_to(ROOT).as_posix() != "analytics/text.py":
        return source
    kept, cut = STOP_WORDS.subn("", source)
    assert cut == 1, "text.py's stop-word block moved: update the allow-list"
    return kept


def test_the_check_covers_every_analytics_module() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in ANALYTICS}
    assert {"analytics/rfm.py", "analytics/export_lists.py", "analytics/text.py"} <= names
    assert any(name.startswith("analytics/clv/") for name in names)


@pytest.mark.parametrize("path", ANALYTICS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_analytics_modules_hold_no_danish_words(path: Path) -> None:
    source = _without_stop_words(path)
    assert '"da"' not in source
    assert not re.search("[æøåÆØÅ]", source)


def test_the_stop_word_allow_list_is_only_the_stop_words() -> None:
    source = (ROOT / "analytics" / "text.py").read_text(encoding="utf-8")
    block = STOP_WORDS.search(source)
    assert block is not None and re.search("[æøå]", block.group())
    # Only the two Danish word sets sit inside the allowed block.
    assigned = re.findall(r"^([A-Z_]+) = ", block.group(), re.M)
    assert assigned == ["DANISH_STOP_WORDS", "DANISH_FILLER_WORDS", "ENGLISH_STOP_WORDS"]


def test_choice_names_come_from_words() -> None:
    from kunde_cli.analytics import export_lists as ex

    assert ex.parse_tiers("kølnet,Inaktiv,lost") == ["cooling", "inactive", "lost"]
    assert ex.parse_nps_groups("kritiker,promoter,passives") == [
        "detractors",
        "promoters",
        "passives",
    ]
    assert set(actions.TIER_NAMES) == set(ex.TIERS)
    assert set(actions.NPS_GROUP_NAMES) == set(ex.NPS_GROUPS)
