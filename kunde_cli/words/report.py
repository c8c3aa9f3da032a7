"""The HTML report's and the workbook's sentences and captions, in da and en.

Each section of the report gets one plain sentence on what it means and what to do
next; render/html.py fills the placeholders with numbers formatted by
:mod:`kunde_cli.words.numbers`.
"""

from __future__ import annotations

from typing import Any

from kunde_cli.words.lang import DEFAULT_LANG, pick

__all__ = ["TEXT", "text"]

# key -> (da, en). Sentences take str.format placeholders filled with formatted numbers.
TEXT: dict[str, tuple[str, str]] = {
    "title": ("Kunderapport", "Customer report"),
    "as_of": ("Data til og med {as_of}", "Data up to {as_of}"),
    "compared": ("bevægelser siden {compare}", "movement since {compare}"),
    "anonymised": (
        "Pseudonymiseret: navne, e-mails og telefonnumre er erstattet af pseudonymer, "
        "kommentarer er udeladt, og ingen gruppe, by eller postnummer med under 5 kunder "
        "beskrives.",
        "Pseudonymised: names, e-mails and phone numbers are replaced by pseudonyms, "
        "comments are left out, and no group, town or postcode of under 5 customers is "
        "described.",
    ),
    "generated_by": ("Lavet med kunde {version}", "Made with kunde {version}"),
    "contents": ("Indhold", "Contents"),
    # sections
    "sec_key": ("Nøgletal", "Key figures"),
    "sec_segments": ("Segmenter", "Segments"),
    "sec_ladder": ("Loyalitetsstigen", "The loyalty ladder"),
    "sec_retention": ("Fastholdelse og kohorter", "Retention and cohorts"),
    "sec_churn": ("Aktivitet og genaktivering", "Activity and reactivation"),
    "sec_nps": ("Anbefalingsvilje (NPS)", "Net Promoter Score"),
    "sec_clv": ("Kundeværdi", "Customer value"),
    "sec_personas": ("Kundeprofiler", "Customer profiles"),
    # key figures
    "k_customers": ("Kunder", "Customers"),
    "k_customers_sub": ("med mindst én ordre", "with at least one order"),
    "k_revenue": ("Omsætning", "Revenue"),
    "k_revenue_sub": ("{orders} ordrer", "{orders} orders"),
    "k_repurchase": ("Genkøbsrate", "Repurchase rate"),
    "k_repurchase_sub": ("har købt mere end én gang", "bought more than once"),
    "k_retention": ("Fastholdelse", "Retention"),
    "k_retention_sub": ("{period}, (E − N) / A", "{period}, (E − N) / A"),
    "k_nps": ("NPS", "NPS"),
    "k_nps_sub": ("95 %: {low} til {high} ({n} svar)", "95 %: {low} to {high} ({n} answers)"),
    "k_inactive": ("Andel inaktive", "Share inactive"),
    "k_inactive_sub": ("inaktive eller tabte", "inactive or lost"),
    "k_none": ("–", "–"),
    "k_no_survey": ("ingen svar endnu", "no answers yet"),
    "key_sentence": (
        "{customers} kunder har købt for {revenue}, og {rate} af dem er kommet igen: det "
        "billigste at vokse på er andet køb, så følg op på nye kunder inden dag {days}.",
        "{customers} customers have spent {revenue}, and {rate} of them came back: the "
        "cheapest growth is the second order, so follow up on new customers before day "
        "{days}.",
    ),
    "key_sentence_no_repeat": (
        "{customers} kunder har købt for {revenue}, men ingen er kommet igen endnu: få "
        "dem til at købe igen med en opfølgning kort efter første køb.",
        "{customers} customers have spent {revenue}, but none has come back yet: follow "
        "up soon after the first order to get a second one.",
    ),
    "key_sentence_empty": (
        "Der er ingen talte ordrer i perioden, så der er intet at vise endnu.",
        "There are no counted orders in the period, so there is nothing to show yet.",
    ),
    # segments
    "segments_sentence": (
        "Topkunder og loyale er {share_c} af kunderne og står for {share_r} af omsætningen; "
        "{risky} gode kunder er i fare eller må ikke mistes — kontakt dem personligt først.",
        "Champions and loyal customers are {share_c} of customers and bring {share_r} of "
        "revenue; {risky} good customers are at risk or can't be lost — contact them "
        "personally first.",
    ),
    "segments_sentence_safe": (
        "Topkunder og loyale er {share_c} af kunderne og står for {share_r} af omsætningen; "
        "beløn dem og gør de lovende til faste kunder.",
        "Champions and loyal customers are {share_c} of customers and bring {share_r} of "
        "revenue; reward them and turn the promising ones into regulars.",
    ),
    # ladder
    "ladder_sentence": (
        "Siden {compare} er {up} rykket op, {down} faldet tilbage og {new} kommet til "
        "({inactive} er blevet inaktive); flest står som {rung} ({n}), så næste skridt er: "
        "{step}",
        "Since {compare}, {up} moved up, {down} fell back and {new} are new ({inactive} "
        "went inactive); most people are a {rung} ({n}), so the next step is: {step}",
    ),
    "ladder_before": ("Før ({compare})", "Before ({compare})"),
    "ladder_now": ("Nu ({as_of})", "Now ({as_of})"),
    # retention
    "retention_sentence": (
        "Fastholdelsen var {rate} i {period}, og {repeat} af kunderne har købt igen, typisk "
        "efter {days} dage: kontakt nye kunder før da, og se i kohorterne om de nyeste "
        "holder bedre end de gamle.",
        "Retention was {rate} in {period}, and {repeat} of customers bought again, "
        "typically after {days} days: reach new customers before then, and check in the "
        "cohorts whether the newest keep better than the old ones.",
    ),
    "retention_sentence_short": (
        "Der er endnu ikke historik nok til en fastholdelsesrate; kohorterne viser hvor "
        "mange der køber igen måned for måned — følg op på nye kunder.",
        "There is not enough history for a retention rate yet; the cohorts show how many "
        "buy again month by month — follow up on new customers.",
    ),
    "retention_table": ("Fastholdelse pr. måned (seneste 12)", "Retention by month (latest 12)"),
    "cohort_caption": (
        "Andel af hver kohorte (første købsmåned) der køber i måned 0, 1, 2 … efter; "
        "seneste {cohorts} kohorter.",
        "Share of each cohort (first order month) buying in month 0, 1, 2 … after; "
        "latest {cohorts} cohorts.",
    ),
    # churn
    "churn_sentence": (
        "{overdue} kunder er kølet af eller inaktive og har været {value} værd om året; "
        "tag fat i de øverste på listen nu — personligt til de største.",
        "{overdue} customers are cooling or inactive and have been worth {value} a year; "
        "reach out to the top of the list now — personally to the biggest.",
    ),
    "churn_sentence_none": (
        "Ingen kunder er forsinket med næste køb lige nu; hold kontakten med nyheder.",
        "No customer is overdue right now; keep in touch with news.",
    ),
    "candidates_title": ("Top {top} til genaktivering", "Top {top} to reactivate"),
    "candidates_more": (
        "{shown} af {total} vist; hele listen: kunde churn --list eller kunde export.",
        "{shown} of {total} shown; the full list: kunde churn --list or kunde export.",
    ),
    # nps
    "nps_sentence": (
        "NPS er {nps} (95 %-interval {low} til {high}, {n} svar): {verdict}",
        "NPS is {nps} (95 % interval {low} to {high}, {n} answers): {verdict}",
    ),
    "nps_good": (
        "flere anbefaler jer end fraråder — bed promotorerne om anmeldelser og ring til "
        "kritikerne.",
        "more recommend you than warn against you — ask promoters for reviews and call "
        "the detractors.",
    ),
    "nps_bad": (
        "flere fraråder jer end anbefaler — ring til kritikerne og ret det, de nævner.",
        "more warn against you than recommend you — call the detractors and fix what they name.",
    ),
    "nps_small": (
        " Med under 30 svar er intervallet bredt: saml flere svar før I drager konklusioner.",
        " With fewer than 30 answers the interval is wide: collect more before drawing "
        "conclusions.",
    ),
    "nps_none": (
        "Der er ingen spørgeskemasvar i data, så der er intet NPS: send en kort "
        "anbefalingsundersøgelse til kunderne og indlæs svarene (kunde ingest svar.csv).",
        "There are no survey answers in the data, so there is no NPS: send customers a "
        "short recommendation survey and read the answers (kunde ingest answers.csv).",
    ),
    "nps_terms": ("Ord i kommentarerne", "Words in the comments"),
    "nps_comments": ("Seneste kommentarer", "Latest comments"),
    "nps_comments_hidden": (
        "Kommentarer er udeladt i en anonymiseret rapport (fritekst kan nævne personer).",
        "Comments are left out of an anonymised report (free text can name people).",
    ),
    "nps_unmatched": (
        "{n} svar kunne ikke kobles til en kunde; de tæller med i NPS.",
        "{n} answers could not be linked to a customer; they count in the NPS.",
    ),
    # clv
    "clv_model_sentence": (
        "Modellerne (BG/NBD og Gamma-Gamma) forventer, at kunderne handler for {total} de "
        "næste {months} måneder; brug flest kræfter på dem med høj forventet værdi og "
        "lav P(stadig kunde).",
        "The models (BG/NBD and Gamma-Gamma) expect customers to spend {total} over the "
        "next {months} months; spend most effort on those with a high expected value and "
        "a low P(alive).",
    ),
    "clv_untrusted_sentence": (
        "Modellen for fremtidig kundeværdi kan ikke stoles på med disse data ({reasons}), "
        "så grafen viser den simple kundeværdi ud fra historikken: gns. ordreværdi × køb "
        "pr. år × 3 år.",
        "The model of future customer value cannot be trusted on this data ({reasons}), "
        "so the chart shows the simple value from history: average order value × "
        "purchases per year × 3 years.",
    ),
    "clv_failed_sentence": (
        "Modellen for fremtidig kundeværdi kunne ikke beregnes ({reasons}), så grafen "
        "viser den simple kundeværdi ud fra historikken: gns. ordreværdi × køb pr. år × 3 år.",
        "The model of future customer value could not be fitted ({reasons}), so the chart "
        "shows the simple value from history: average order value × purchases per year "
        "× 3 years.",
    ),
    "clv_empty_sentence": (
        "Der er ingen kunder med en talt ordre endnu, så der er ingen kundeværdi at vise.",
        "There is no customer with a counted order yet, so there is no value to show.",
    ),
    "clv_axis_predicted": ("Forventet værdi pr. kunde", "Expected value per customer"),
    "clv_axis_simple": ("Simpel kundeværdi pr. kunde", "Simple value per customer"),
    # personas
    "personas_sentence": (
        "Hvert kort beskriver en gruppe kunder ud fra tallene; brug »Gør dette« som næste "
        "skridt for gruppen.",
        "Each card describes a group of customers from the numbers; use “What to do” as "
        "the group's next step.",
    ),
    "personas_none": ("Ingen kundegrupper endnu.", "No customer groups yet."),
    # workbook
    "sheet_summary": ("Oversigt", "Summary"),
    "sheet_segments": ("Segmenter", "Segments"),
    "sheet_customers": ("Kunder", "Customers"),
    "sheet_migration": ("Segmentskift", "Segment moves"),
    "sheet_ladder": ("Stigen", "Ladder"),
    "sheet_ladder_change": ("Stigen før og nu", "Ladder before and now"),
    "sheet_ladder_flow": ("Stigen bevægelser", "Ladder movement"),
    "sheet_retention": ("Fastholdelse", "Retention"),
    "sheet_cohorts": ("Kohorter", "Cohorts"),
    "sheet_churn": ("Aktivitet", "Activity"),
    "sheet_candidates": ("Genaktivering", "Reactivation"),
    "sheet_nps": ("NPS", "NPS"),
    "sheet_nps_trend": ("NPS pr. måned", "NPS by month"),
    "sheet_nps_quarter": ("NPS pr. kvartal", "NPS by quarter"),
    "s_nps_as_of": ("NPS-svar til og med", "NPS answers up to"),
    "sheet_nps_terms": ("NPS ord", "NPS words"),
    "sheet_nps_comments": ("NPS kommentarer", "NPS comments"),
    "sheet_clv": ("Kundeværdi", "Customer value"),
    "sheet_clv_bins": ("Værdifordeling", "Value bands"),
    "sheet_profiles": ("Profiler", "Profiles"),
    "summary_metric": ("Nøgletal", "Measure"),
    "summary_value": ("Værdi", "Value"),
    "summary_note": ("Forklaring", "Explanation"),
    "s_as_of": ("Data til og med", "Data up to"),
    "s_compare": ("Sammenlignet med", "Compared with"),
    "s_people": ("Personer på stigen", "People on the ladder"),
    "s_orders": ("Ordrer", "Orders"),
    "s_nps_low": ("NPS nedre (95 %)", "NPS low (95 %)"),
    "s_nps_high": ("NPS øvre (95 %)", "NPS high (95 %)"),
    "s_nps_n": ("NPS-svar", "NPS answers"),
    "s_clv_total": ("Forventet omsætning", "Expected revenue"),
    "s_retention_note": ("Seneste hele måned: {period}", "Latest complete month: {period}"),
    "s_clv_note": ("De næste {months} måneder", "The next {months} months"),
    "cut_note": (
        "Listen er afkortet: de {shown} mest værdifulde af {total} rækker er vist. "
        "Hele listen: kunde segment --by customer --format csv --output kunder.csv",
        "The list is cut: the {shown} most valuable of {total} rows are shown. "
        "The full list: kunde segment --by customer --format csv --output customers.csv",
    ),
    "cut_summary": ("Arket »{sheet}« er afkortet", "Sheet “{sheet}” is cut"),
    "nps_sheet_none": ("Ingen spørgeskemasvar i data.", "No survey answers in the data."),
    # anonymised reports: groups of fewer than 5 customers (report.groups_left_out)
    "left_out_note": (
        "Tomme felter: færre end 5 kunder, tallene er udeladt. Er de små grupper tilsammen "
        "under 5 kunder, er tallene for den næstmindste gruppe også udeladt, så de ikke kan "
        "regnes ud fra totalen.",
        "Empty cells: fewer than 5 customers, figures left out. When the small groups "
        "together have under 5 customers, the figures of the next smallest group are left "
        "out too, so they cannot be worked out from the total.",
    ),
    "cohorts_left_out": (
        "Kohorter med færre end 5 kunder er udeladt.",
        "Cohorts of fewer than 5 customers are left out.",
    ),
    "nps_left_out": (
        "Perioder med færre end 5 svar vises ikke (og, når det er nødvendigt, heller ikke "
        "den næstmindste, så tallene ikke kan regnes ud fra totalen).",
        "Periods with fewer than 5 answers are not shown (nor, where needed, the next "
        "smallest, so the figures cannot be worked out from the total).",
    ),
    "nps_left_out_sheet": (
        "Tomme felter: færre end 5 svar i perioden, tallene er udeladt (og, når det er "
        "nødvendigt, for den næstmindste periode, så de ikke kan regnes ud fra totalen).",
        "Empty cells: fewer than 5 answers in the period, figures left out (and, where "
        "needed, for the next smallest period, so they cannot be worked out from the total).",
    ),
    "cohorts_left_out_sheet": (
        "Tomme felter: kohorter med færre end 5 kunder, tallene er udeladt.",
        "Empty cells: cohorts of fewer than 5 customers, figures left out.",
    ),
    "segments_sentence_anon": (
        "Topkunder og loyale er {share_c} af kunderne; {risky} gode kunder er i fare eller "
        "må ikke mistes — kontakt dem personligt først.",
        "Champions and loyal customers are {share_c} of customers; {risky} good customers "
        "are at risk or can't be lost — contact them personally first.",
    ),
    "segments_sentence_safe_anon": (
        "Topkunder og loyale er {share_c} af kunderne; beløn dem og gør de lovende til "
        "faste kunder.",
        "Champions and loyal customers are {share_c} of customers; reward them and turn the "
        "promising ones into regulars.",
    ),
    "churn_sentence_anon": (
        "{overdue} kunder er kølet af eller inaktive; tag fat i de øverste på listen nu — "
        "personligt til de største.",
        "{overdue} customers are cooling or inactive; reach out to the top of the list now "
        "— personally to the biggest.",
    ),
}


def text(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The report text ``key`` in ``lang``, with ``values`` filled in."""
    template = pick(TEXT[key], lang)
    return template.format(**values) if values else template
