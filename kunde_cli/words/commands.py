"""Words of the commands' own sentences: progress, next steps and summaries printed by cli/.

``WORDS`` maps a key to its (da, en) pair; a sentence's values are named in braces
(``{path}``) and are the same in both languages. :func:`kunde_cli.words.said.said`
names a key, :func:`kunde_cli.words.labels.say` words it.

The errors of the analyses these commands run (segment, ladder, churn, explain, export)
are here too, under the same prefixes.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- shared by the analyses with --compare ---
    "compare_not_before": (
        "--compare {compare} skal ligge før opgørelsesdatoen {as_of}",
        "--compare {compare} must be before the as-of date {as_of}",
    ),
    "compare_not_before_hint": (
        "giv en tidligere --compare-dato (eller en senere --as-of)",
        "give an earlier --compare date (or a later --as-of)",
    ),
    # --- kunde segment ---
    "rfm_bad_breaks": (
        "[rfm] frequency_breaks skal være fem stigende hele tal fra 1, ikke {breaks}",
        "[rfm] frequency_breaks must be five increasing whole numbers from 1, not {breaks}",
    ),
    "rfm_bad_breaks_hint": (
        "standarden er frequency_breaks = [1, 2, 3, 4, 6] (1, 2, 3, 4–5, 6+ ordrer)",
        "the default is frequency_breaks = [1, 2, 3, 4, 6] (1, 2, 3, 4–5, 6+ orders)",
    ),
    "rfm_bad_grid": (
        "[rfm.grid] skal angive fem segmentnavne (F1..F5) for hver af R1..R5",
        "[rfm.grid] must give five segment names (F1..F5) for each of R1..R5",
    ),
    "rfm_bad_grid_hint": (
        'fx R5 = ["new", "potential_loyalist", "potential_loyalist", "champion", "champion"]',
        'e.g. R5 = ["new", "potential_loyalist", "potential_loyalist", "champion", "champion"]',
    ),
    "segment_moved": (
        "{moved} af {customers} kunder har skiftet segment siden {since}.",
        "{moved} of {customers} customers changed segment since {since}.",
    ),
    "segment_changes_title": ("Segmentskift {since} → {when}", "Segment changes {since} → {when}"),
    "segment_migration_title": (
        "Segmentvandring {since} → {when}",
        "Segment migration {since} → {when}",
    ),
    "segment_customers_title": (
        "Kunder og segmenter pr. {when}",
        "Customers and segments as of {when}",
    ),
    "segment_title": ("Segmenter pr. {when}", "Segments as of {when}"),
    "segment_no_customers": (
        "Ingen kunder med en talt ordre pr. {when}.",
        "No customer has a counted order as of {when}.",
    ),
    "segment_scored": (
        "{customers} kunder med mindst én ordre pr. {when}.",
        "{customers} customers with at least one order as of {when}.",
    ),
    "segment_fixed_breaks": (
        "F bruger faste grænser ({breaks} ordrer), fordi mange kunder har købt lige mange gange.",
        "F uses fixed breaks ({breaks} orders) because many customers bought the same number "
        "of times.",
    ),
    "segment_best_share": (
        "Topkunder og loyale er {share_customers} af kunderne og står for {share_revenue} af "
        "omsætningen.",
        "Champions and loyal customers are {share_customers} of customers and bring "
        "{share_revenue} of revenue.",
    ),
    "segment_at_risk_note": (
        "{customers} gode kunder er i fare: kontakt dem personligt først.",
        "{customers} good customers are at risk: contact them personally first.",
    ),
    # --- kunde ladder ---
    "ladder_bad_orders": (
        "[ladder] kræver 2 ≤ returning_min_orders ≤ loyal_min_orders, ikke {returning} og {loyal}",
        "[ladder] needs 2 ≤ returning_min_orders ≤ loyal_min_orders, not {returning} and {loyal}",
    ),
    "ladder_bad_orders_hint": (
        "standarden er returning_min_orders = 2 og loyal_min_orders = 4",
        "the defaults are returning_min_orders = 2 and loyal_min_orders = 4",
    ),
    "ladder_bad_score": (
        "[ladder] ambassador_min_score skal være 0–10, ikke {score}",
        "[ladder] ambassador_min_score must be 0–10, not {score}",
    ),
    "ladder_bad_score_hint": (
        "standarden er 9 (NPS-promotorer svarer 9 eller 10)",
        "the default is 9 (NPS promoters answer 9 or 10)",
    ),
    "ladder_no_person": (
        "svar fra spørgeskemaer og kontaktlister skal have en kolonne customer_id eller email",
        "survey answers and contact lists need a customer_id or an email column",
    ),
    "ladder_no_person_hint": (
        "angiv kolonnen med --map customer_id=Kundenr eller --map email=E-mail",
        "map the column with --map customer_id=Kundenr or --map email=E-mail",
    ),
    "ladder_people_title": ("Personer på stigen pr. {when}", "People on the ladder as of {when}"),
    "ladder_title": ("Loyalitetsstigen pr. {when}", "The loyalty ladder as of {when}"),
    "ladder_side_title": ("Stigen {since} og {when}", "The ladder on {since} and {when}"),
    "ladder_matrix_title": (
        "Fra trin {since} (rækker) til trin {when} (kolonner)",
        "From rung on {since} (rows) to rung on {when} (columns)",
    ),
    # The counts are the matrix's parts: new = its (none) row, up/same/down = above, on
    # and below its diagonal; going inactive is said beside them, not instead of them.
    "ladder_moved": (
        "Siden {since}: {up} rykkede op, {same} blev stående, {down} faldt tilbage og "
        "{new} er nye. {went_inactive} blev inaktive (talt med ovenfor efter det trin, de "
        "står på nu).",
        "Since {since}: {up} moved up, {same} stayed, {down} fell back and {new} are new. "
        "{went_inactive} went inactive (counted above by the rung they are on now).",
    ),
    "ladder_moved_gone": (
        "{gone} var på stigen {since} men er det ikke længere.",
        "{gone} were on the ladder on {since} but are not any more.",
    ),
    "move_gone": ("Ikke længere på stigen", "No longer on the ladder"),
    "went_inactive": ("Blev inaktive", "Went inactive"),
    "ladder_biggest": (
        "Flest står som {name} ({customers}). Næste skridt: {step}",
        "Most people are a {name} ({customers}). Next step: {step}",
    ),
    # --- retention and share inactive, defined side by side (issue 17: "Fastholdelse
    # 97 %" beside "Andel inaktive 37 %" measure different people) — the report's key
    # figures, kunde retention and kunde churn say both ---
    "define_retention": (
        "Fastholdelse måler én periode ({period}) og kun kunder med et køb inden for de "
        "seneste {window} dage: dem, der har det ved periodens slutning, minus periodens "
        "nye kunder, delt med dem, der havde det ved dens start ((E − N) / A).",
        "Retention measures one period ({period}) and only customers with a purchase in "
        "the last {window} days: those who have one at the period's end, less the "
        "period's new customers, divided by those who had one at its start ((E − N) / A).",
    ),
    "define_inactive": (
        "Andel inaktive måler alle, der nogensinde har købt, også engangskunder fra for "
        "længe siden: andelen, hvis tid siden sidste køb er over grænsen for deres eget "
        "købsmønster (inaktive eller tabte) — derfor kan den være høj, selv om "
        "fastholdelsen også er høj.",
        "Share inactive measures everyone who ever bought, one-time buyers from long ago "
        "included: the share whose time since their last purchase is past the limit set "
        "by their own buying rhythm (inactive or lost) — which is why it can be high "
        "while retention is high too.",
    ),
    # --- kunde churn ---
    "churn_bad_k": ("[churn] k skal være > 0, ikke {value}", "[churn] k must be > 0, not {value}"),
    "churn_bad_floor": (
        "[churn] floor_days skal være mindst 1, ikke {value}",
        "[churn] floor_days must be at least 1, not {value}",
    ),
    "churn_bad_quantile": (
        "[churn] one_order_quantile skal ligge i (0, 1], ikke {value}",
        "[churn] one_order_quantile must be in (0, 1], not {value}",
    ),
    "churn_bad_cooling": (
        "[churn] cooling_factor skal være > 0, ikke {value}",
        "[churn] cooling_factor must be > 0, not {value}",
    ),
    "churn_bad_lost": (
        "[churn] lost_factor skal være > 1, ikke {value}",
        "[churn] lost_factor must be > 1, not {value}",
    ),
    "churn_unknown_tiers": (
        "ukendt aktivitetstrin: {tiers}",
        "unknown tier(s): {tiers}",
    ),
    "churn_no_tiers": ("intet aktivitetstrin angivet", "unknown tier(s): (none given)"),
    "churn_unknown_tiers_hint": (
        "vælg blandt {tiers}, fx --tier cooling,inactive",
        "choose from {tiers}, e.g. --tier cooling,inactive",
    ),
    # --- kunde explain ---
    "explain_no_query": (
        "angiv et kunde-id, en e-mail eller en del af et navn",
        "give a customer id, e-mail or part of a name",
    ),
    "explain_no_query_hint": ("kunde explain anna@example.dk", "kunde explain anna@example.dk"),
    "explain_several": (
        "{n} kunder passer på '{query}': {listed}",
        "{n} customers match '{query}': {listed}",
    ),
    "explain_several_more": (
        "{n} kunder passer på '{query}': {listed} og {more} til",
        "{n} customers match '{query}': {listed} and {more} more",
    ),
    "explain_several_hint": (
        "angiv kunde-id'et eller hele e-mailadressen",
        "give the customer id or the full e-mail",
    ),
    "explain_no_match": (
        "ingen kunde passer på '{query}'",
        "no customer matches '{query}'",
    ),
    "explain_no_match_hint": (
        "søg på kunde-id, e-mail eller en del af navnet (se `kunde segment --by customer`)",
        "search by customer id, e-mail or part of the name (see `kunde segment --by customer`)",
    ),
    "explain_title": ("Hvorfor – pr. {when}", "Why – as of {when}"),
    "explain_facts": (
        "{orders} talte ordrer ({not_counted} annulleret/refunderet/kreditnota), købt for "
        "{spent}; første {first}, seneste {last}",
        "{orders} counted orders ({not_counted} cancelled/refunded/credit notes), spent "
        "{spent}; first {first}, last {last}",
    ),
    "explain_activity": ("Aktivitet", "Activity"),
    "explain_latest_orders": ("Seneste ordrer", "Latest orders"),
    "explain_not_counted": ("(tæller ikke)", "(not counted)"),
    # --- kunde report ---
    "report_template_missing": (
        "rapportskabelonen {template} mangler",
        "the report template {template} is missing",
    ),
    "report_template_missing_hint": (
        "geninstallér kunde (pip install --force-reinstall kunde)",
        "reinstall kunde (pip install --force-reinstall kunde)",
    ),
    # --- kunde export ---
    "export_unknown_value": (
        "{option}: ukendt værdi '{value}'",
        "{option}: unknown value '{value}'",
    ),
    "export_unknown_value_hint": ("vælg blandt {choices}", "choose from {choices}"),
    "export_bad_shape": (
        "--shape skal være en af {shapes}, ikke '{shape}'",
        "--shape must be one of {shapes}, not '{shape}'",
    ),
    "export_listed": (
        "{listed} af {matched} udvalgte kunder kommer på listen.",
        "{listed} of {matched} selected customers are on the list.",
    ),
    "export_no_email": (
        "{n} uden e-mailadresse er udeladt.",
        "{n} without an e-mail address left out.",
    ),
    "export_no_consent": (
        "{n} uden samtykke til markedsføring er udeladt (--ignore-consent tager dem med).",
        "{n} without marketing consent left out (--ignore-consent includes them).",
    ),
    "export_detractors_written": (
        "{n} kritikere har svaret inden for {days} dage og er udeladt: ring til dem "
        "personligt i stedet — se {path}.",
        "{n} detractors answered within {days} days and are left out: call them personally "
        "instead — see {path}.",
    ),
    "export_detractors": (
        "{n} kritikere har svaret inden for {days} dage og er udeladt: ring til dem "
        "personligt i stedet (--calls FIL skriver listen).",
        "{n} detractors answered within {days} days and are left out: call them personally "
        "instead (--calls FILE writes the list).",
    ),
}
