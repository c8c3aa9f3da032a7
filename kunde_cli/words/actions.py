"""Plain-language names and suggested actions for segments, ladder rungs and tiers (da + en).

The advice follows the usual customer-loyalty guides: reward and involve the best
customers, turn first orders into second orders, reactivate the drifting personally
before they are gone, and do not spend much on the long lost.

The texts appear in result tables (the ``action`` and ``next_step`` columns), in
export lists and in ``kunde explain``. The analyses name a segment, rung or tier by
its key, and an action by an *action key* — the kind of advice and whose it is:
``segment_at_risk``, ``rung_first_time``, ``tier_cooling`` (:func:`action_key_expr`).
These functions give the words; :func:`word_actions` words a frame's action columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kunde_cli.words.lang import DEFAULT_LANG, pick

if TYPE_CHECKING:
    import polars as pl

#: Segment key -> (da, en) name used inside sentences.
SEGMENT_NAMES: dict[str, tuple[str, str]] = {
    "champion": ("topkunde", "champion"),
    "loyal": ("loyal", "loyal"),
    "potential_loyalist": ("potentielt loyal", "potential loyalist"),
    "new": ("ny", "new"),
    "promising": ("lovende", "promising"),
    "needs_attention": ("kræver opmærksomhed", "needs attention"),
    "about_to_sleep": ("ved at falde i søvn", "about to sleep"),
    "at_risk": ("i fare", "at risk"),
    "cant_lose": ("må ikke mistes", "can't lose"),
    "hibernating": ("i dvale", "hibernating"),
    "lost": ("tabt", "lost"),
}

#: Segment key -> (da, en) suggested action.
SEGMENT_ACTIONS: dict[str, tuple[str, str]] = {
    "champion": (
        "Beløn dem (tidlig adgang, små overraskelser) og bed om anmeldelser og anbefalinger.",
        "Reward them (early access, small surprises) and ask for reviews and referrals.",
    ),
    "loyal": (
        "Hold fast: loyalitetsfordele, mersalg af relaterede varer, bed om anmeldelser.",
        "Keep them close: loyalty perks, related products, ask for reviews.",
    ),
    "potential_loyalist": (
        "Gør dem til faste kunder: medlemskab eller stempelkort og anbefalinger ud fra købene.",
        "Turn them into regulars: membership or stamp card and recommendations from past buys.",
    ),
    "new": (
        "Velkomstmail med det vigtigste om butikken og en god grund til at købe igen.",
        "Onboarding mail: welcome, what the shop is about, and a good reason to come back.",
    ),
    "promising": (
        "Skab kendskab: nyhedsbrev, relevante nyheder og et lille tilbud på andet køb.",
        "Build awareness: newsletter, relevant news and a small offer on the second purchase.",
    ),
    "needs_attention": (
        "Tidsbegrænset tilbud baseret på tidligere køb, før de glider væk.",
        "Time-limited offer based on past purchases before they drift away.",
    ),
    "about_to_sleep": (
        "Påmind dem med populære varer eller en rabat; spørg hvad der skal til.",
        "Remind them with popular products or a discount; ask what would bring them back.",
    ),
    "at_risk": (
        "Personlig genaktivering: en mail eller et opkald med et tilbud og spørg hvad der gik galt.",
        "Personal reactivation: a mail or call with an offer, and ask what went wrong.",
    ),
    "cant_lose": (
        "Tag personlig kontakt nu: de har købt meget; vind dem tilbage med et stærkt tilbud.",
        "Contact them personally now: they bought a lot; win them back with a strong offer.",
    ),
    "hibernating": (
        "Send et relevant tilbud engang imellem; brug ikke mange penge på dem.",
        "Send a relevant offer now and then; do not spend much on them.",
    ),
    "lost": (
        "Prøv én genaktiveringskampagne; ellers lad dem være.",
        "Try one win-back campaign; otherwise leave them be.",
    ),
}

#: Fallback for segment names a kunde.toml grid invents.
GENERIC_ACTION = (
    "Se på kundernes køb og vælg en passende indsats.",
    "Look at these customers' purchases and choose a fitting action.",
)

#: Rung key -> (da, en) name used inside sentences.
RUNG_NAMES: dict[str, tuple[str, str]] = {
    "potential": ("potentiel kunde", "potential customer"),
    "first_time": ("førstegangskunde", "first-time customer"),
    "returning": ("genkøber", "returning customer"),
    "loyal": ("loyal kunde", "loyal customer"),
    "ambassador": ("ambassadør", "ambassador"),
}

#: Rung key -> (da, en): what moves a person one rung up.
RUNG_NEXT_STEPS: dict[str, tuple[str, str]] = {
    "potential": (
        "Første køb: en velkomstrabat eller en prøvevare til kendte kontakter.",
        "First purchase: a welcome discount or a sample for known contacts.",
    ),
    "first_time": (
        "Andet køb: tak-mail og et tilbud inden for den tid, kunder typisk køber igen.",
        "Second purchase: thank-you mail and an offer within the usual time to a second order.",
    ),
    "returning": (
        "Flere køb og fast kontakt: stempelkort, medlemsfordele, påmindelser når de plejer at købe.",
        "More purchases and steady contact: stamp card, member perks, reminders at their usual time.",
    ),
    "loyal": (
        "Gør dem til ambassadører: spørg om anbefaling (NPS), anmeldelser og henvisninger.",
        "Make them ambassadors: ask how likely they are to recommend you, for reviews and referrals.",
    ),
    "ambassador": (
        "Øverste trin: tak, involvér dem (test af nyheder, events) og beløn henvisninger.",
        "Top rung: thank them, involve them (try new products, events) and reward referrals.",
    ),
}

#: Activity tier -> (da, en) name (``--tier`` accepts either).
TIER_NAMES: dict[str, tuple[str, str]] = {
    "active": ("aktiv", "active"),
    "cooling": ("kølnet", "cooling"),
    "inactive": ("inaktiv", "inactive"),
    "lost": ("tabt", "lost"),
}

#: NPS group key -> (da, en) name of one member (``--nps`` accepts either, or the key).
NPS_GROUP_NAMES: dict[str, tuple[str, str]] = {
    "promoters": ("promotor", "promoter"),
    "passives": ("passiv", "passive"),
    "detractors": ("kritiker", "detractor"),
}

#: Tier -> (da, en) suggested reactivation action.
TIER_ACTIONS: dict[str, tuple[str, str]] = {
    "active": (
        "Intet særligt: hold kontakten med nyhedsbrev og god service.",
        "Nothing special: keep in touch with your newsletter and good service.",
    ),
    "cooling": (
        "Send en påmindelse nu, når de plejer at købe: nyheder eller et tilbud ud fra tidligere køb.",
        "Send a reminder now, around when they usually buy: news or an offer based on past purchases.",
    ),
    "inactive": (
        "Personlig genaktivering: en mail eller et opkald med et godt tilbud, og spørg hvad der skal til.",
        "Personal reactivation: a mail or call with a good offer, and ask what would bring them back.",
    ),
    "lost": (
        "Prøv én sidste win-back-kampagne; ellers brug ikke flere penge på dem.",
        "Try one last win-back campaign; otherwise stop spending money on them.",
    ),
}


def segment_name(segment: str, lang: str = DEFAULT_LANG) -> str:
    """The segment's name in a sentence (``at_risk`` -> "i fare" / "at risk")."""
    pair = SEGMENT_NAMES.get(segment)
    return pick(pair, lang) if pair else segment.replace("_", " ")


def rung_name(rung: str, lang: str = DEFAULT_LANG) -> str:
    """The rung's name in a sentence (``first_time`` -> "førstegangskunde")."""
    pair = RUNG_NAMES.get(rung)
    return pick(pair, lang) if pair else rung.replace("_", " ")


def segment_action(segment: str, lang: str = DEFAULT_LANG) -> str:
    """The suggested action for ``segment`` in ``lang``.

    Examples
    --------
    >>> segment_action("at_risk", "en")
    'Personal reactivation: a mail or call with an offer, and ask what went wrong.'
    """
    return pick(SEGMENT_ACTIONS.get(segment, GENERIC_ACTION), lang)


def rung_next_step(rung: str, lang: str = DEFAULT_LANG) -> str:
    """What moves a person on ``rung`` one rung up, in ``lang``.

    Examples
    --------
    >>> rung_next_step("first_time", "en")[:16]
    'Second purchase:'
    """
    return pick(RUNG_NEXT_STEPS.get(rung, GENERIC_ACTION), lang)


def tier_action(tier: str, lang: str = DEFAULT_LANG) -> str:
    """The suggested reactivation action for activity ``tier`` in ``lang``.

    Examples
    --------
    >>> tier_action("lost", "en")
    'Try one last win-back campaign; otherwise stop spending money on them.'
    """
    return pick(TIER_ACTIONS[tier], lang)


def segment_action_expr(column: str, lang: str = DEFAULT_LANG) -> pl.Expr:
    """Expression mapping a segment column to its suggested action (generic for unknown)."""
    import polars as pl

    mapping = {key: pick(pair, lang) for key, pair in SEGMENT_ACTIONS.items()}
    return pl.col(column).replace_strict(
        mapping, default=pick(GENERIC_ACTION, lang), return_dtype=pl.String
    )


def rung_next_step_expr(column: str, lang: str = DEFAULT_LANG) -> pl.Expr:
    """Expression mapping a rung column to what moves it one rung up."""
    import polars as pl

    mapping = {key: pick(pair, lang) for key, pair in RUNG_NEXT_STEPS.items()}
    return pl.col(column).replace_strict(
        mapping, default=pick(GENERIC_ACTION, lang), return_dtype=pl.String
    )


def tier_action_expr(column: str, lang: str = DEFAULT_LANG) -> pl.Expr:
    """Expression mapping an activity-tier column to its suggested action (null if unknown)."""
    import polars as pl

    mapping = {tier: pick(pair, lang) for tier, pair in TIER_ACTIONS.items()}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)


#: The kinds of advice an action key names, and the words of each: key -> (da, en).
_ACTION_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "segment": SEGMENT_ACTIONS,
    "rung": RUNG_NEXT_STEPS,
    "tier": TIER_ACTIONS,
}
#: Columns of an analysis that hold action keys.
ACTION_COLUMNS = ("action", "next_step")


def action_key(kind: str, key: str) -> str:
    """The action key of ``kind`` (segment, rung, tier) for ``key``.

    >>> action_key("segment", "at_risk")
    'segment_at_risk'
    """
    if kind not in _ACTION_TABLES:
        raise ValueError(f"no action kind {kind!r}")
    return f"{kind}_{key}"


def action_key_expr(kind: str, column: str) -> pl.Expr:
    """Expression giving the action key of ``kind`` for each key in ``column`` (null stays
    null), named ``column``."""
    import polars as pl

    return (pl.lit(action_key(kind, "")) + pl.col(column)).alias(column)


def action_text(key: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """The words of action ``key`` in ``lang``: a segment or rung kunde does not know
    gets the generic advice, an unknown tier none.

    >>> action_text("tier_lost", "en")
    'Try one last win-back campaign; otherwise stop spending money on them.'
    >>> action_text("segment_vip", "en")
    "Look at these customers' purchases and choose a fitting action."
    """
    if key is None:
        return None
    for kind, table in _ACTION_TABLES.items():
        prefix = f"{kind}_"
        if key.startswith(prefix):
            pair = table.get(key[len(prefix) :])
            if pair is None:
                return None if kind == "tier" else pick(GENERIC_ACTION, lang)
            return pick(pair, lang)
    return pick(GENERIC_ACTION, lang)


def action_expr(column: str, lang: str = DEFAULT_LANG) -> pl.Expr:
    """Expression wording an action-key column in ``lang`` (as :func:`action_text`)."""
    import polars as pl

    mapping = {
        action_key(kind, key): pick(pair, lang)
        for kind, table in _ACTION_TABLES.items()
        for key, pair in table.items()
    }
    keys = pl.col(column)
    known = keys.replace_strict(mapping, default=None, return_dtype=pl.String)
    unknown = (
        pl.when(keys.is_null() | keys.str.starts_with("tier_"))
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.lit(pick(GENERIC_ACTION, lang)))
    )
    return known.fill_null(unknown).alias(column)


def word_actions(
    frame: pl.DataFrame, lang: str = DEFAULT_LANG, columns: tuple[str, ...] = ACTION_COLUMNS
) -> pl.DataFrame:
    """``frame`` with its action-key ``columns`` (those it has) worded in ``lang``.

    >>> import polars as pl
    >>> word_actions(pl.DataFrame({"action": ["rung_first_time"]}), "en").item()[:16]
    'Second purchase:'
    """
    present = [action_expr(c, lang) for c in columns if c in frame.columns]
    return frame.with_columns(present) if present else frame
