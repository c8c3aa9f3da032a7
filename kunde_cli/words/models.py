"""Words of analytics and fitted models: errors and notes of clv, churn, retention, nps and the rest.

``WORDS`` maps a key to its (da, en) pair; a sentence's values are named in braces
(``{path}``) and are the same in both languages. :func:`kunde_cli.words.said.said`
names a key, :func:`kunde_cli.words.labels.say` words it.

Danish sentences say the models' jargon in Danish words: the likelihood is
"log-sandsynligheden", a fit that did not converge "fandt ikke et svar".
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- the purchase model (BG/NBD, MBG/NBD): why it cannot be fitted ---
    "model_unknown": ("ukendt købsmodel '{model}'", "unknown purchase model '{model}'"),
    "model_unknown_hint": ("vælg bgnbd eller mbgnbd", "choose bgnbd or mbgnbd"),
    "model_lengths_differ": (
        "x, t_x, T og vægtene skal have samme længde",
        "x, t_x, T and weights must have the same length",
    ),
    "model_no_customers": (
        "der er ingen kunder med en talt ordre at tilpasse modellen på",
        "there are no customers with a counted order to fit the model on",
    ),
    "model_no_counted_order": (
        "ingen kunde har en talt ordre",
        "no customer has a counted order",
    ),
    "model_impossible_histories": (
        "{n} kundeforløb er umulige (kræver heltal x ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 når x = 0)",
        "{n} customer histories are impossible (need whole x ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when x = 0)",
    ),
    "model_one_day": (
        "alle køb ligger på den sidste dag i dataene, så der er ingen tid at lære en købsrytme af",
        "all purchases are on the last day of the data, so there is no time span to learn "
        "a buying rhythm from",
    ),
    "model_no_repeat": (
        "ingen kunde har købt på mere end én dag, så modellen har ingen genkøb at lære af",
        "no customer has bought on more than one day, so the model has no repeat purchases "
        "to learn from",
    ),
    "model_few_customers": (
        "kun {n} kunde(r): købsmodellen kræver mindst {min}",
        "only {n} customer(s): the purchase model needs at least {min}",
    ),
    "model_few_repeat": (
        "kun {n} kunde(r) har købt igen: købsmodellen kræver mindst {min}",
        "only {n} customer(s) bought again: the purchase model needs at least {min}",
    ),
    "model_not_finite": (
        "købsmodellen kunne ikke tilpasses: log-sandsynligheden er ikke et endeligt tal",
        "the purchase model could not be fitted: the likelihood is not finite",
    ),
    "model_not_converged": (
        "tilpasningen af {model} fandt ikke et svar ({detail})",
        "the {model} fit did not converge ({detail})",
    ),
    "model_at_edge": (
        "tilpasningen af {model} løb til kanten af søgeområdet for {names}: disse data kan "
        "ikke fastlægge modellen",
        "the {model} fit ran to the edge of its range for {names}: this data cannot pin the "
        "model down",
    ),
    "model_purchase_hint": (
        "brug de regelbaserede aktivitetstrin i stedet (kunde churn uden --model)",
        "use the rule-based tiers instead (kunde churn without --model)",
    ),
    # --- the spend model (Gamma-Gamma) ---
    "spend_lengths_differ": (
        "x, gennemsnitsbeløb og vægtene skal have samme længde",
        "x, mean spend and weights must have the same length",
    ),
    "spend_few_repeat": (
        "kun {n} kunde(r) har købt igen: beløbsmodellen kræver mindst {min}",
        "only {n} customer(s) bought again: the spend model needs at least {min}",
    ),
    "spend_not_positive": (
        "hver genkøbers gennemsnitsbeløb skal være positivt",
        "every repeat customer's mean spend must be a positive amount",
    ),
    "spend_not_finite": (
        "beløbsmodellen kunne ikke tilpasses: log-sandsynligheden er ikke et endeligt tal",
        "the spend model could not be fitted: the likelihood is not finite",
    ),
    "spend_not_converged": (
        "tilpasningen af beløbsmodellen fandt ikke et svar ({detail})",
        "the spend model fit did not converge ({detail})",
    ),
    "spend_at_edge": (
        "tilpasningen af beløbsmodellen løb til kanten af søgeområdet for {names}: disse "
        "data kan ikke fastlægge den",
        "the spend model fit ran to the edge of its range for {names}: this data cannot pin "
        "it down",
    ),
    "spend_hint": (
        "brug den historiske værdi i stedet (kunde clv uden model)",
        "use historical value instead (kunde clv without a model)",
    ),
    "spend_not_fitted": (
        "beløbsmodellen kunne ikke tilpasses: {why}",
        "the spend model could not be fitted: {why}",
    ),
    # --- predictions and the holdout check ---
    "model_bad_horizon": (
        "horisonten skal være mindst 1 måned, ikke {months}",
        "the horizon must be at least 1 month, not {months}",
    ),
    "model_bad_discount": (
        "den månedlige diskonteringsrente kan ikke være negativ ({rate})",
        "the monthly discount rate cannot be negative ({rate})",
    ),
    "model_holdout_order": (
        "testperioden skal slutte efter tilpasningsperioden ({end} er ikke efter {start})",
        "the holdout must end after the calibration period ({end} is not after {start})",
    ),
    "clv_views_alone": (
        "{options} viser hver sin tabel: brug én ad gangen",
        "{options} each show a table of their own: use one at a time",
    ),
    "clv_views_alone_hint": (
        "kør kunde clv én gang for hver",
        "run kunde clv once for each",
    ),
    "clv_by_not_with": (
        "--by segment virker ikke sammen med {option}",
        "--by segment does not work with {option}",
    ),
    "clv_bad_holdout": (
        "--holdout '{text}' skal skrives som 6m, 26w, 180d eller 1y",
        "--holdout '{text}' must look like 6m, 26w, 180d or 1y",
    ),
    "clv_holdout_days": ("{n} dage", "{n} days"),
    "clv_holdout_weeks": ("{n} uger", "{n} weeks"),
    "clv_holdout_months": ("{n} måneder", "{n} months"),
    "clv_holdout_years": ("{n} år", "{n} years"),
    "clv_holdout_day": ("{n} dag", "{n} day"),
    "clv_holdout_week": ("{n} uge", "{n} week"),
    "clv_holdout_month": ("{n} måned", "{n} month"),
    "clv_holdout_year": ("{n} år", "{n} year"),
    # --- retention ---
    "retention_bad_period": (
        "perioden skal være month, quarter eller year, ikke '{period}'",
        "period must be month, quarter or year, not '{period}'",
    ),
    "retention_bad_window": (
        "aktivitetsvinduet skal være mindst 1 dag",
        "the activity window must be at least 1 day",
    ),
    # --- nps: errors ---
    "nps_no_scores": (
        "der er ingen spørgeskemasvar med en score, så der er ingen NPS at beregne",
        "there are no survey answers with a score, so there is no NPS to compute",
    ),
    "nps_read_survey_hint": (
        "læs først en spørgeskemaeksport ind: kunde ingest --kind survey svar.csv",
        "read a survey export first: kunde ingest --kind survey svar.csv",
    ),
    "nps_bad_period": (
        "perioden skal være month eller quarter, ikke '{period}'",
        "period must be month or quarter, not '{period}'",
    ),
    "nps_bad_list": (
        "listen skal være detractors eller promoters, ikke '{kind}'",
        "the list must be detractors or promoters, not '{kind}'",
    ),
    "nps_one_view": (
        "vælg én visning ad gangen, ikke {flags}",
        "choose one view at a time, not {flags}",
    ),
    "nps_both": ("{first} og {second}", "{first} and {second}"),
    "nps_one_view_hint": (
        "kør kunde nps én gang pr. visning, fx kunde nps --period month",
        "run kunde nps once per view, e.g. kunde nps --period month",
    ),
    "nps_no_answers": ("der er ingen spørgeskemasvar", "there are no survey answers"),
    "nps_no_answers_hint": (
        "læs først en spørgeskemaeksport ind: kunde ingest --kind survey svar.csv "
        "(eller giv den direkte: kunde nps ordrer.csv svar.csv)",
        "read a survey export first: kunde ingest --kind survey svar.csv "
        "(or give it directly: kunde nps ordrer.csv svar.csv)",
    ),
    "nps_by_needs_orders": (
        "--by {by} kræver ordrerne for at kende hver kundes {what}",
        "--by {by} needs the orders to know each customer's {what}",
    ),
    "nps_by_what_segment": ("segment", "segment"),
    "nps_by_what_rung": ("trin", "rung"),
    "nps_by_what_channel": ("kanal", "channel"),
    "nps_by_needs_orders_hint": (
        "giv også ordrerne: kunde nps ordrer.csv svar.csv (eller kunde ingest ordrer.csv)",
        "give the orders too: kunde nps ordrer.csv svar.csv (or kunde ingest ordrer.csv)",
    ),
    # --- nps: notes, warnings and titles ---
    "nps_headline": (
        "NPS {nps} (95 %-interval {low} til {high}) ud fra {n} svar: {promoters} promotorer "
        "({pct_p}), {passives} passive og {detractors} kritikere ({pct_d}).",
        "NPS {nps} (95% interval {low} to {high}) from {n} answers: {promoters} promoters "
        "({pct_p}), {passives} passives and {detractors} detractors ({pct_d}).",
    ),
    "nps_few_answers": (
        "Kun {n} svar: intervallet er bredt, så læs NPS som et groft fingerpeg og saml gerne "
        "mindst {min} svar.",
        "Only {n} answers: the interval is wide, so read the NPS as a rough indication and "
        "collect at least {min} answers.",
    ),
    "nps_few_rows": (
        "{few} af {rows} rækker bygger på under {min} svar (Få svar = ja): forskelle dér er "
        "mest tilfældigheder.",
        "{few} of {rows} rows rest on fewer than {min} answers (Few answers = yes): "
        "differences there are mostly chance.",
    ),
    "nps_unmatched": (
        "{n} svar kunne ikke kobles til en kunde i ordrerne (kundenummer eller e-mail); de "
        "tæller med i NPS, men ikke i --by.",
        "{n} answers could not be linked to a customer in the orders (customer number or "
        "e-mail); they count in the NPS but not in --by.",
    ),
    "nps_detractors_note": (
        "{n} kritikere. Ring eller skriv personligt til dem øverst først: et hurtigt svar "
        "kan vende en utilfreds kunde.",
        "{n} detractors. Call or write personally to those at the top first: a quick answer "
        "can win an unhappy customer back.",
    ),
    "nps_promoters_note": (
        "{n} promotorer. Bed dem om en anmeldelse eller om at anbefale jer til en ven.",
        "{n} promoters. Ask them for a review or to recommend you to a friend.",
    ),
    "nps_no_terms": (
        "Ingen ord går igen i mindst to kommentarer fra samme gruppe endnu.",
        "No word appears in two or more comments of the same group yet.",
    ),
    "nps_title": ("NPS pr. {as_of}", "NPS as of {as_of}"),
    "nps_title_period": ("NPS pr. {period}", "NPS by {period}"),
    "nps_title_detractors": ("Kritikere at følge op på", "Detractors to follow up"),
    "nps_title_promoters": (
        "Promotorer at bede om en anmeldelse",
        "Promoters to ask for a review",
    ),
    "nps_title_comments": ("Ord i kommentarerne", "Words in the comments"),
}

#: ``kunde clv --holdout``'s units: the letter after the number and its length in days
#: (``å``, Danish for year, as well as ``y``), and the words that say a period of it.
HOLDOUT_UNITS: dict[str, tuple[float, str]] = {
    "d": (1.0, "days"),
    "w": (7.0, "weeks"),
    "m": (365.25 / 12, "months"),
    "y": (365.25, "years"),
    "å": (365.25, "years"),
}
