"""The persona cards of ``kunde profiles`` and the report, in da and en.

:func:`kunde_cli.analytics.profiles.persona_facts` decides which sentences a group's
numbers support (keys with raw values); :func:`persona_card` puts them into words
here: it picks the template, formats each number in the language's style and joins
the sentences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kunde_cli.words.lang import DEFAULT_LANG, pick
from kunde_cli.words.numbers import format_money, format_number, format_percent

__all__ = [
    "PERSONA_NAMES",
    "TEXTS",
    "PersonaCard",
    "PersonaFacts",
    "Phrase",
    "persona_card",
    "persona_cards",
]


@dataclass(frozen=True)
class Phrase:
    """One phrase of a persona card (a sentence or part of one) by key, with the raw
    values it is filled from; its numbers are written by their name (a share, money)."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonaFacts:
    """What the numbers of one group support saying, section by section (keys, no words)."""

    group: str
    who: tuple[Phrase, ...]
    buys: tuple[Phrase, ...]
    how_often: tuple[Phrase, ...]
    what_to_do: tuple[Phrase, ...]


@dataclass(frozen=True)
class PersonaCard:
    """A short, data-made description of one group of customers.

    ``group`` is the segment or rung key; the other fields are sentences in the
    chosen language, each made only from numbers in the profile.
    """

    group: str
    name: str
    who: str
    buys: str
    how_often: str
    what_to_do: str


#: Persona names for the known segment and rung keys: key -> (da, en).
PERSONA_NAMES: dict[str, tuple[str, str]] = {
    # RFM segments (the grid: config.DEFAULT_SEGMENT_GRID)
    "champion": ("De trofaste stamkunder", "The devoted regulars"),
    "loyal": ("De loyale", "The loyal ones"),
    "potential_loyalist": ("De kommende stamkunder", "Regulars in the making"),
    "new": ("De nye ansigter", "The new faces"),
    "promising": ("De lovende", "The promising ones"),
    "needs_attention": ("Dem, der trænger til opmærksomhed", "The ones needing attention"),
    "about_to_sleep": ("De døsige", "The drowsy ones"),
    "at_risk": ("Dem, vi er ved at miste", "The ones slipping away"),
    "cant_lose": ("Dem, vi ikke må miste", "The ones we cannot lose"),
    "hibernating": ("De sovende", "The sleepers"),
    "lost": ("De tabte", "The lost ones"),
    # Loyalty ladder rungs
    "potential": ("De mulige kunder", "The prospects"),
    "first_time": ("Førstegangskunderne", "The first-timers"),
    "returning": ("De genkommende", "The returning customers"),
    "ambassador": ("Ambassadørerne", "The ambassadors"),
    # Groups under five customers, merged in anonymised outputs
    "small_groups": (
        "Grupper med udeladte tal (små grupper, samlet mindst 5 kunder)",
        "Groups with figures left out (small groups, together 5 or more)",
    ),
}

# Sentence templates: key -> (da, en). Placeholders are filled with formatted numbers.
TEXTS: dict[str, tuple[str, str]] = {
    "fallback_name": ("Gruppen {group}", "The {group} group"),
    "stop": (".", "."),
    "who": (
        "{customers} {noun} ({share_customers} af alle)",
        "{customers} {noun} ({share_customers} of all)",
    ),
    "who_revenue": (
        ", der står for {share_revenue} af omsætningen.",
        ", bringing in {share_revenue} of revenue.",
    ),
    "who_cities": ("Flest i {value}.", "Mostly from {value}."),
    "who_postcodes": ("Flest i postnr. {value}.", "Mostly from postcodes {value}."),
    "who_countries": ("Lande: {value}.", "Countries: {value}."),
    "who_nps": (
        "Anbefalingsvilje: NPS {nps} ({responses} {noun}).",
        "Willingness to recommend: NPS {nps} ({responses} {noun}).",
    ),
    "customer_one": ("kunde", "customer"),
    "customer_many": ("kunder", "customers"),
    "answer_one": ("svar", "answer"),
    "answer_many": ("svar", "answers"),
    "buys_none": ("Har ikke købt endnu.", "Have not bought yet."),
    "buys_aov": ("Gennemsnitlig ordre {aov}", "Average order {aov}"),
    "buys_products": (
        "Mest købt (andel af gruppens omsætning): {value}.",
        "Buy most (share of the group's revenue): {value}.",
    ),
    "buys_categories": ("Kategorier: {value}.", "Categories: {value}."),
    "often_none": ("Ingen ordrer endnu.", "No orders yet."),
    "often_orders": ("{orders} ordrer pr. kunde", "{orders} orders per customer"),
    "often_gap": (
        ", typisk {gap} dage mellem to ordrer",
        ", typically {gap} days between two orders",
    ),
    "often_no_gap": (
        ", ingen har købt mere end én gang",
        ", nobody has bought more than once",
    ),
    "often_recency": (
        "; sidste køb typisk for {recency} dage siden.",
        "; last order typically {recency} days ago.",
    ),
    "often_channels": ("Handler via {value}.", "Shop via {value}."),
    "do_first_order": (
        "Giv dem en grund til at handle første gang, fx et velkomsttilbud.",
        "Give them a reason to place a first order, e.g. a welcome offer.",
    ),
    "do_reactivate": (
        "De er længe om at komme igen ({recency} dage siden sidste køb mod normalt {gap} "
        "dage mellem ordrer): send et personligt tilbud for at vinde dem tilbage.",
        "They are overdue ({recency} days since the last order against a usual {gap} days "
        "between orders): send a personal offer to win them back.",
    ),
    "do_second_order": (
        "Få dem til at købe igen: send en opfølgning med et relevant tilbud kort efter første køb.",
        "Get them to buy again: follow up with a relevant offer soon after the first order.",
    ),
    "do_reward": (
        "De bærer en stor del af omsætningen: beløn dem, giv dem noget eksklusivt og bed "
        "om anmeldelser.",
        "They carry a large part of revenue: reward them, give them something exclusive "
        "and ask for reviews.",
    ),
    "do_nps_low": (
        "Flere kritikere end anbefalere: tag kontakt til de utilfredse og find ud af hvorfor.",
        "More detractors than promoters: contact the unhappy ones and find out why.",
    ),
    "do_nps_high": (
        "Mange anbefaler jer: bed dem om anmeldelser eller at henvise en ven.",
        "Many would recommend you: ask them for reviews or referrals.",
    ),
    "do_keep_in_touch_gap": (
        "Hold kontakten: mind dem om jer omkring {gap} dage efter sidste køb.",
        "Keep in touch: remind them of you about {gap} days after their last order.",
    ),
    "do_keep_in_touch": (
        "Hold kontakten med nyheder og inspiration.",
        "Keep in touch with news and inspiration.",
    ),
}


#: How each value is shown: the number of decimals, or a share / money.
_SHARES = frozenset({"share_customers", "share_revenue"})
_DECIMALS = {"orders": 1}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _shown(name: str, value: Any, lang: str, currency: str) -> str:
    if isinstance(value, str):
        return value
    if name in _SHARES:
        return format_percent(value, lang, 0)
    if name == "aov":
        return format_money(value, lang, currency, 2)
    return format_number(value, lang, _DECIMALS.get(name, 0))


def _said(said: Phrase, lang: str, currency: str) -> str:
    values = {k: _shown(k, v, lang, currency) for k, v in said.values.items()}
    # The nouns follow the count they stand beside ("1 kunde", "2 kunder").
    if "customers" in said.values:
        one = said.values["customers"] == 1
        values["noun"] = pick(TEXTS["customer_one" if one else "customer_many"], lang)
    if "responses" in said.values:
        one = said.values["responses"] == 1
        values["noun"] = pick(TEXTS["answer_one" if one else "answer_many"], lang)
    text = pick(TEXTS[said.key], lang).format(**values)
    if said.key == "buys_aov" and not text.endswith("."):
        # One full stop: "… 150,00 kr." already has one.
        text += "."
    return text


def _joined(parts: Sequence[Phrase], lang: str, currency: str) -> str:
    """The parts as one text: a part that starts with , ; or . continues the sentence."""
    text = ""
    for said in parts:
        piece = _said(said, lang, currency)
        text = piece if not text else text + (piece if piece[0] in ",;." else " " + piece)
    return text


def persona_name(group: str, lang: str = DEFAULT_LANG) -> str:
    """The persona's name for a segment or rung key ("Gruppen X" for other groups).

    >>> persona_name("champion"), persona_name("vip", "en")
    ('De trofaste stamkunder', 'The vip group')
    """
    names = PERSONA_NAMES.get(group)
    if names is not None:
        return pick(names, lang)
    return pick(TEXTS["fallback_name"], lang).format(group=group)


def persona_card(
    facts: PersonaFacts, lang: str = DEFAULT_LANG, currency: str = "kr."
) -> PersonaCard:
    """The card for ``facts`` in ``lang``; money is labelled in ``currency``.

    >>> facts = PersonaFacts("new", who=(Phrase("who", {"customers": 1, "share_customers": 0.25}),
    ...     Phrase("stop")), buys=(Phrase("buys_aov", {"aov": 1234.5}),),
    ...     how_often=(Phrase("often_orders", {"orders": 1.0}), Phrase("often_no_gap"), Phrase("stop")),
    ...     what_to_do=(Phrase("do_second_order"),))
    >>> card = persona_card(facts)
    >>> card.name, card.who, card.buys, card.how_often
    ('De nye ansigter', '1 kunde (25 % af alle).', 'Gennemsnitlig ordre 1.234,50 kr.', '1,0 ordrer pr. kunde, ingen har købt mere end én gang.')
    >>> persona_card(facts, "en").who
    '1 customer (25% of all).'
    """
    return PersonaCard(
        group=facts.group,
        name=persona_name(facts.group, lang),
        who=_joined(facts.who, lang, currency),
        buys=_joined(facts.buys, lang, currency),
        how_often=_joined(facts.how_often, lang, currency),
        what_to_do=_joined(facts.what_to_do, lang, currency),
    )


def persona_cards(
    facts: Iterable[PersonaFacts], lang: str = DEFAULT_LANG, currency: str = "kr."
) -> list[PersonaCard]:
    """One card per group's ``facts`` (:func:`kunde_cli.analytics.profiles.persona_facts`),
    in ``lang``, money labelled in ``currency``.

    The name comes from the group key (a known segment or rung, else "Gruppen X");
    *who* from size, revenue share, top cities (or postcodes), countries when more
    than one, and NPS when answers exist; *buys* from AOV, top products and
    categories; *how often* from orders per customer, the median gap between orders,
    median recency and channels; *what to do* from rules on those same numbers.

    >>> facts = PersonaFacts("champion", who=(), buys=(Phrase("buys_aov", {"aov": 75.0}),),
    ...     how_often=(), what_to_do=(Phrase("do_reward"),))
    >>> [(c.name, c.buys) for c in persona_cards([facts], "en", "DKK")]
    [('The devoted regulars', 'Average order DKK 75.00.')]
    """
    return [persona_card(f, lang, currency) for f in facts]
