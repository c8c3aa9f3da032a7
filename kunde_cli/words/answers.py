"""Words of the report's answer sections on seasons and regular buyers
(``app/answers/season.py``, ``app/answers/due.py``; their renderers in
``render/answers/``).

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- seasons ---
    "answer_season_title": ("Sæson", "Seasons"),
    "answer_season_peak": (
        "Butikkens højsæson er {months}: den måned giver {share} af et års omsætning (en "
        "jævn måned giver {even}).",
        "The shop's peak season is {months}: that month brings {share} of a year's revenue "
        "(an even month brings {even}).",
    ),
    "answer_season_peaks": (
        "Butikkens højsæson er {months}: de måneder giver tilsammen {share} af et års "
        "omsætning (en jævn måned giver {even}).",
        "The shop's peak season is {months}: together those months bring {share} of a "
        "year's revenue (an even month brings {even}).",
    ),
    "answer_season_even": (
        "Omsætningen fordeler sig jævnt over året: ingen måned giver halvanden gang en jævn "
        "måneds andel ({even}).",
        "Revenue is spread evenly over the year: no month brings one and a half times an "
        "even month's share ({even}).",
    ),
    "answer_season_last_91": ("det seneste kvartal", "the last quarter"),
    "answer_season_last_183": ("det seneste halve år", "the last half-year"),
    "answer_season_fooled": (
        "En efterprøvning af modellen på {period} bliver snydt af sæsonen: perioden rummer "
        "{months} og ventes at give {expected} af et års omsætning, mens dens længde kun er "
        "{length}. Efterprøv over et helt år ({months_whole} måneder) i stedet.",
        "A model check on {period} is fooled by the season: the period holds {months} and "
        "is expected to bring {expected} of a year's revenue while its length is only "
        "{length}. Check over a whole year ({months_whole} months) instead.",
    ),
    "answer_season_caption": (
        "Hver måneds andel af et års omsætning, gennemsnit over de hele kalenderår i dataene.",
        "Each month's share of a year's revenue, averaged over the complete calendar years "
        "in the data.",
    ),
    "answer_season_month": ("Måned", "Month"),
    "answer_season_share": ("Andel af året", "Share of the year"),
    "answer_season_is_peak": ("Højsæson", "Peak"),
    "answer_season_peak_mark": ("højsæson", "peak"),
    # --- regular buyers ---
    "answer_due_title": ("Faste kunder, der skal købe snart", "Regular buyers due soon"),
    "answer_due_sentence": (
        "{due} faste kunder ventes at købe denne uge, og {overdue} er forsinkede (af {regular} "
        "faste kunder). En påmindelse nu rammer dem, mens de stadig er i gang.",
        "{due} regular buyers are expected to buy this week and {overdue} are overdue (of "
        "{regular} regular buyers). A reminder now reaches them while the habit lasts.",
    ),
    "answer_due_caption_top": (
        "De {top} mest værdifulde; hele listen: kunde churn --due",
        "The {top} most valuable; the whole list: kunde churn --due",
    ),
}
