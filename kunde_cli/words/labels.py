"""Danish and English labels: column names, segments, rungs, tiers and keyed sentences.

Machine formats (csv/json/parquet) keep the stable English snake_case names; the
terminal table, the reports and a csv for Excel (``--csv-style da``) use these labels.
``LABELS`` maps a key to its
(da, en) pair; :func:`label` picks one, :func:`label_values` shows a frame's key
values as labels.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

from kunde_cli.words import acquisition as _acquisition
from kunde_cli.words import answers as _answers
from kunde_cli.words import backtest as _backtest
from kunde_cli.words import charts as _charts
from kunde_cli.words import commands as _commands
from kunde_cli.words import config as _config
from kunde_cli.words import errors as _errors
from kunde_cli.words import follow_up as _follow_up
from kunde_cli.words import ingest as _ingest
from kunde_cli.words import loading as _loading
from kunde_cli.words import models as _models
from kunde_cli.words import monthly as _monthly
from kunde_cli.words import output as _output
from kunde_cli.words import profit as _profit
from kunde_cli.words import regularity as _regularity
from kunde_cli.words import seasonality as _seasonality
from kunde_cli.words import store as _store
from kunde_cli.words import trends as _trends
from kunde_cli.words.lang import DEFAULT_LANG, LANGS, pick
from kunde_cli.words.numbers import format_date

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "LABELS",
    "LANGS",
    "NpsDay",
    "label",
    "label_values",
    "nps_as_of_note",
    "returning_note",
    "say",
]


class NpsDay(Protocol):
    """What :func:`nps_as_of_note` reads of an NPS as-of choice (``analytics.nps.NpsDate``)."""

    @property
    def day(self) -> date | None: ...
    @property
    def rule(self) -> str: ...
    @property
    def orders_day(self) -> date | None: ...
    @property
    def later_answers(self) -> int: ...


# key -> (da, en)
LABELS: dict[str, tuple[str, str]] = {
    # --- canonical columns ---
    "order_id": ("Ordre", "Order"),
    "line_no": ("Linje", "Line"),
    "customer_id": ("Kunde", "Customer"),
    "email": ("E-mail", "E-mail"),
    "name": ("Navn", "Name"),
    "order_date": ("Ordredato", "Order date"),
    "amount": ("Beløb", "Amount"),
    "quantity": ("Antal", "Quantity"),
    "product": ("Vare", "Product"),
    "category": ("Kategori", "Category"),
    "channel": ("Kanal", "Channel"),
    "phone": ("Telefon", "Phone"),
    "postcode": ("Postnr.", "Postcode"),
    "city": ("By", "City"),
    "country": ("Land", "Country"),
    "status": ("Status", "Status"),
    "marketing_consent": ("Samtykke", "Consent"),
    "currency": ("Valuta", "Currency"),
    "reference": ("Krediterer ordre", "Credits order"),
    "source_file": ("Fil", "File"),
    "source_row": ("Række", "Row"),
    "response_id": ("Svar", "Response"),
    "responded_at": ("Svardato", "Answered"),
    "score": ("Score", "Score"),
    "comment": ("Kommentar", "Comment"),
    # --- ingest summary ---
    "file": ("Fil", "File"),
    "kind": ("Indhold", "Kind"),
    "rows_read": ("Rækker læst", "Rows read"),
    "accepted": ("Indlæst", "Accepted"),
    "duplicates": ("Dubletter sprunget over", "Skipped duplicates"),
    "rejected": ("Afvist", "Rejected"),
    "row": ("Række", "Row"),
    "column": ("Kolonne", "Column"),
    "value": ("Værdi", "Value"),
    "reason": ("Årsag", "Reason"),
    "reason_code": ("Kode", "Code"),
    "rows": ("Rækker", "Rows"),
    "first_rows": ("Første rækker", "First rows"),
    "example": ("Eksempel", "Example"),
    # --- analytics (shared) ---
    "customers": ("Kunder", "Customers"),
    "share_customers": ("Andel kunder", "Share of customers"),
    "revenue": ("Omsætning", "Revenue"),
    "share_revenue": ("Andel omsætning", "Share of revenue"),
    "orders": ("Ordrer", "Orders"),
    "action": ("Forslag", "Suggested action"),
    # --- rfm ---
    "recency_days": ("Dage siden køb", "Days since order"),
    "frequency": ("Frekvens", "Frequency"),
    "monetary": ("Købt for", "Spent"),
    "first_order": ("Første ordre", "First order"),
    "last_order": ("Seneste ordre", "Last order"),
    "aov": ("Gns. ordreværdi", "Avg. order value"),
    "r_score": ("R", "R"),
    "f_score": ("F", "F"),
    "m_score": ("M", "M"),
    "segment": ("Segment", "Segment"),
    "avg_recency_days": ("Gns. dage siden køb", "Avg. days since order"),
    "avg_frequency": ("Gns. ordrer", "Avg. orders"),
    "avg_monetary": ("Gns. købt for", "Avg. spent"),
    "from_segment": ("Fra segment", "From segment"),
    "to_segment": ("Til segment", "To segment"),
    "changed": ("Skiftet", "Changed"),
    "metric": ("Mål", "Measure"),
    "lower": ("Fra", "From"),
    "upper": ("Til", "To"),
    "method": ("Metode", "Method"),
    "quintile": ("kvintiler", "quintiles"),
    "fixed": ("faste grænser", "fixed breaks"),
    "none": ("(ingen)", "(none)"),
    "champion": ("Topkunder", "Champions"),
    "loyal": ("Loyale", "Loyal"),
    "potential_loyalist": ("Potentielt loyale", "Potential loyalists"),
    "new": ("Nye", "New"),
    "promising": ("Lovende", "Promising"),
    "needs_attention": ("Kræver opmærksomhed", "Need attention"),
    "about_to_sleep": ("Ved at falde i søvn", "About to sleep"),
    "at_risk": ("I fare", "At risk"),
    "cant_lose": ("Må ikke mistes", "Can't lose"),
    "hibernating": ("I dvale", "Hibernating"),
    "lost": ("Tabte", "Lost"),
    # --- ladder ---
    "rung": ("Trin", "Rung"),
    "inactive": ("Inaktive", "Inactive"),
    "latest_score": ("Seneste NPS-svar", "Latest NPS answer"),
    "next_step": ("Næste skridt op", "Next step up"),
    "from_rung": ("Fra trin", "From rung"),
    "to_rung": ("Til trin", "To rung"),
    "movement": ("Bevægelse", "Movement"),
    "customers_before": ("Kunder før", "Customers before"),
    "customers_now": ("Kunder nu", "Customers now"),
    "change": ("Ændring", "Change"),
    "total": ("I alt", "Total"),
    "potential": ("Potentielle", "Potential"),
    "first_time": ("Førstegangskunder", "First-time"),
    "returning": ("Genkøbere", "Returning"),
    "ambassador": ("Ambassadører", "Ambassadors"),
    "move_up": ("Op", "Up"),
    "move_same": ("Samme", "Same"),
    "move_down": ("Ned", "Down"),
    "move_inactive": ("Blev inaktiv", "Went inactive"),
    "move_new": ("Ny", "New"),
    # --- retention ---
    "period_end": ("Periodeslut", "Period end"),
    "customers_start": ("Kunder ved start (A)", "Customers at start (A)"),
    "customers_end": ("Kunder ved slut (E)", "Customers at end (E)"),
    "new_customers": ("Nye kunder (N)", "New customers (N)"),
    "retention_rate": ("Fastholdelse %", "Retention %"),
    "cohort": ("Kohorte (første køb)", "Cohort (first order)"),
    "month_offset": ("Måned nr.", "Month no."),
    "active_customers": ("Købende kunder", "Buying customers"),
    "share": ("Andel", "Share"),
    **{f"month_{i}": (f"Md. {i}", f"Month {i}") for i in range(121)},
    "retention_title": (
        "Fastholdelse pr. {period} pr. {as_of}",
        "Retention by {period} as of {as_of}",
    ),
    "cohort_title": (
        "Kohorter: andel der køber i måned 0, 1, 2 … efter første køb, pr. {as_of}",
        "Cohorts: share buying in month 0, 1, 2 … after the first order, as of {as_of}",
    ),
    "period_month": ("måned", "month"),
    "period_quarter": ("kvartal", "quarter"),
    "period_year": ("år", "year"),
    "retention_summary": (
        "Genkøbsrate {rate} ({repeat} af {customers} kunder har købt mere end én gang). "
        "Median {days} dage fra første til anden ordre. "
        "Genkøbere står for {revenue_share} af omsætningen.",
        "Repurchase rate {rate} ({repeat} of {customers} customers bought more than once). "
        "Median {days} days from first to second order. "
        "Returning customers bring {revenue_share} of revenue.",
    ),
    "retention_no_customers": (
        "Ingen kunder med en talt ordre pr. {as_of}.",
        "No customer has a counted order as of {as_of}.",
    ),
    "retention_advice": (
        "Det betyder: {share_c} af kunderne giver {share_r} af omsætningen. "
        "Den billigste vækst er andet køb — kontakt nye kunder inden dag {days}.",
        "What it means: {share_c} of customers bring {share_r} of revenue. "
        "The cheapest growth is the second order — reach new customers before day {days}.",
    ),
    "retention_window_note": (
        "En kunde tæller som aktiv med et køb inden for de seneste {window} dage.",
        "A customer counts as active with an order within the last {window} days.",
    ),
    # --- clv ---
    "revenue_to_date": ("Omsætning til dato", "Revenue to date"),
    "lifespan_days": ("Dage som kunde", "Days as customer"),
    "purchases_per_year": ("Køb pr. år", "Purchases per year"),
    "expected_years": ("Forventede år", "Expected years"),
    "simple_clv": ("Simpel CLV", "Simple CLV"),
    "avg_revenue_to_date": ("Gns. omsætning til dato", "Avg. revenue to date"),
    "avg_purchases_per_year": ("Gns. køb pr. år", "Avg. purchases per year"),
    "avg_lifespan_days": ("Gns. dage som kunde", "Avg. days as customer"),
    "avg_simple_clv": ("Gns. simpel CLV", "Avg. simple CLV"),
    "simple_clv_total": ("Simpel CLV i alt", "Simple CLV total"),
    "clv_title_customer": (
        "Kundeværdi pr. kunde pr. {as_of}",
        "Customer value per customer as of {as_of}",
    ),
    "clv_title_segment": (
        "Kundeværdi pr. segment pr. {as_of}",
        "Customer value per segment as of {as_of}",
    ),
    "clv_formula": (
        "Simpel CLV = gns. ordreværdi × køb pr. år × {years} år. Køb pr. år = ordrer / år "
        "siden første køb (mindst 1 år, så nye kunder ikke blæses op).",
        "Simple CLV = average order value × purchases per year × {years} years. Purchases "
        "per year = orders / years since the first order (at least 1 year, so new "
        "customers are not inflated).",
    ),
    "clv_summary": (
        "{customers} kunder har købt for {revenue} i alt; den gennemsnitlige kunde er "
        "{avg_clv} værd over {years} år efter den simple formel.",
        "{customers} customers have spent {revenue} in total; the average customer is "
        "worth {avg_clv} over {years} years by the simple formula.",
    ),
    "clv_no_customers": (
        "Ingen kunder med en talt ordre pr. {as_of}.",
        "No customer has a counted order as of {as_of}.",
    ),
    # --- profiles ---
    "group": ("Gruppe", "Group"),
    "orders_per_customer": ("Ordrer pr. kunde", "Orders per customer"),
    "median_days_between_orders": ("Median dage mellem ordrer", "Median days between orders"),
    "median_recency_days": ("Median dage siden køb", "Median days since order"),
    "top_categories": ("Topkategorier", "Top categories"),
    "top_cities": ("Topbyer", "Top cities"),
    "top_postcodes": ("Top-postnumre", "Top postcodes"),
    "top_countries": ("Lande", "Countries"),
    "top_channels": ("Kanaler", "Channels"),
    "nps_responses": ("NPS-svar", "NPS answers"),
    "profiles_title": (
        "Kundeprofiler pr. {by} pr. {as_of}",
        "Customer profiles by {by} as of {as_of}",
    ),
    "persona_who": ("Hvem", "Who"),
    "persona_buys": ("Køber", "Buys"),
    "persona_how_often": ("Hvor tit", "How often"),
    "persona_what_to_do": ("Gør dette", "What to do"),
    "profiles_note": (
        "Andele i parentes: varer og kategorier af gruppens omsætning, byer/postnumre/lande "
        "af gruppens kunder, kanaler af gruppens ordrer.",
        "Shares in brackets: products and categories of the group's revenue, cities/"
        "postcodes/countries of the group's customers, channels of the group's orders.",
    ),
    # --- churn ---
    "tier": ("Aktivitet", "Tier"),
    "tier_active": ("Aktiv", "Active"),
    "tier_cooling": ("Køler af", "Cooling"),
    "tier_inactive": ("Inaktiv", "Inactive"),
    "tier_lost": ("Tabt", "Lost"),
    "days_since_last": ("Dage siden sidste køb", "Days since last order"),
    "usual_gap_days": ("Plejer at købe hver (dage)", "Usual gap (days)"),
    "gap_basis": ("Interval ud fra", "Gap from"),
    "threshold_days": ("Inaktiv efter (dage)", "Inactive after (days)"),
    "value_at_stake": ("Værdi pr. år", "Value per year"),
    "mean_p_alive": ("Gns. P(stadig kunde)", "Mean P(alive)"),
    "p_alive": ("P(stadig kunde)", "P(alive)"),
    "expected_purchases": ("Forventede køb", "Expected purchases"),
    "repeat_purchases": ("Genkøb", "Repeat purchases"),
    "churn_title": ("Kunder efter aktivitet pr. {as_of}", "Customers by activity as of {as_of}"),
    "churn_list_title": (
        "Genaktiveringsliste ({tiers}) pr. {as_of}",
        "Reactivation list ({tiers}) as of {as_of}",
    ),
    "churn_rule": (
        "Regel: inaktiv når dage siden sidste køb > max({floor} dage, {k} × kundens normale "
        "interval mellem køb). Engangskunder måles mod butikkens {pct}. percentil af tiden "
        "til andet køb ({gap} dage).",
        "Rule: inactive when days since the last order > max({floor} days, {k} × the "
        "customer's usual gap between orders). One-time buyers are measured against the "
        "shop's {pct}th percentile of days to a second order ({gap} days).",
    ),
    "churn_rule_no_repeat": (
        "Regel: inaktiv når dage siden sidste køb > max({floor} dage, {k} × kundens normale "
        "interval mellem køb). Ingen kunde har købt to gange endnu, så engangskunder måles "
        "mod {floor} dage.",
        "Rule: inactive when days since the last order > max({floor} days, {k} × the "
        "customer's usual gap between orders). No customer has bought twice yet, so "
        "one-time buyers are measured against {floor} days.",
    ),
    "churn_summary_none": (
        "Ingen af de {customers} kunder er forsinket med næste køb lige nu.",
        "None of the {customers} customers is overdue right now.",
    ),
    "churn_summary": (
        "{overdue} af {customers} kunder er kølet af eller inaktive; de har været {value} "
        "værd om året. Vind dem tilbage nu: kunde churn --list giver listen med e-mail.",
        "{overdue} of {customers} customers are cooling or inactive; they have been worth "
        "{value} a year. Win them back now: kunde churn --list gives the list with e-mail.",
    ),
    "churn_no_customers": (
        "Ingen kunder med en talt ordre endnu.",
        "No customer has a counted order yet.",
    ),
    "churn_model_failed": (
        "{model} kunne ikke beregnes på disse data: {reason}. Viser kun de regelbaserede "
        "aktivitetstrin.",
        "{model} cannot be fitted on this data: {reason}. Showing the rule-based tiers only.",
    ),
    "churn_model_untrusted": (
        "{model}-tallene er ikke til at stole på her: {reasons}. Viser kun de regelbaserede "
        "aktivitetstrin.",
        "The {model} numbers cannot be trusted here: {reasons}. Showing the rule-based tiers only.",
    ),
    "churn_one_order_bgnbd": (
        "P(stadig kunde) er tom for {n} engangskunder: BG/NBD regner enhver kunde uden "
        "genkøb for aktiv, uanset hvor længe siden købet er — brug deres aktivitetstrin "
        "(eller --model mbgnbd).",
        "P(alive) is left blank for {n} one-time buyers: BG/NBD counts every customer "
        "without a repeat purchase as alive, however long ago they bought — go by their "
        "tier (or use --model mbgnbd).",
    ),
    "churn_one_order_mbgnbd": (
        "{n} engangskunder: MBG/NBD lader P(stadig kunde) falde med tiden siden købet, men "
        "bygger kun på ét køb — sammenlign med deres aktivitetstrin.",
        "{n} one-time buyers: MBG/NBD lets their P(alive) fall with time since the "
        "purchase, but it rests on a single order — compare it with their tier.",
    ),
    "churn_model_note": (
        "{model}: P(stadig kunde) = sandsynligheden for at kunden stadig handler hos dig; "
        "forventede køb de næste {horizon} måneder.",
        "{model}: P(alive) = the probability the customer still buys from you; expected "
        "purchases over the next {horizon} months.",
    ),
    # --- fitted models: parameters and trust checks (kunde clv/churn --model, --holdout) ---
    "model_unit_days": ("dage", "days"),
    "model_unit_weeks": ("uger", "weeks"),
    "model_unit_n_days": ("enheder af {n} dage", "units of {n} days"),
    "model_fit_purchase": (
        "{model} tilpasset på {customers} kunder, heraf {repeat} der har købt mere end én "
        "gang: {params}; log-sandsynlighed {loglik} (α i {unit}).",
        "{model} fitted on {customers} customers, {repeat} of whom bought more than once: "
        "{params}; log-likelihood {loglik} (α in {unit}).",
    ),
    "model_fit_spend": (
        "Gamma-Gamma (beløb pr. køb) tilpasset på {customers} kunder med genkøb: {params}; "
        "log-sandsynlighed {loglik}; en ny kunde køber i gennemsnit for {mean} pr. gang.",
        "Gamma-Gamma (spend per purchase) fitted on {customers} repeat customers: {params}; "
        "log-likelihood {loglik}; a new customer spends {mean} per purchase on average.",
    ),
    "model_spend_left_out": (
        "{n} kunder hvis genkøb alle var på 0 kr. er ikke med i beløbsmodellen.",
        "{n} customers whose repeat purchases all came to nothing are left out of the spend model.",
    ),
    "model_ranges": (
        "Plausible værdier (95 %, log-sandsynlighed højst 1,92 under den bedste): {ranges}.",
        "Plausible values (95 %, log-likelihood within 1.92 of the best): {ranges}.",
    ),
    "model_checks": ("Tillidstjek af {model}: {checks}.", "Trust checks of {model}: {checks}."),
    "model_span": ("{name} fra {low} til {high}", "{name} from {low} to {high}"),
    "model_and": ("og", "and"),
    "trust_converged_ok": ("tilpasningen fandt et svar", "the fit settled on an answer"),
    "trust_converged_fail": (
        "tilpasningen fandt ikke et svar",
        "the fit did not settle on an answer",
    ),
    "trust_inside_range_ok": (
        "ingen parameter ved kanten af søgeområdet",
        "no parameter at the edge of the search range",
    ),
    "trust_inside_range_fail": (
        "{names} løb til kanten af søgeområdet: dataene kan ikke fastlægge modellen",
        "{names} ran to the edge of the allowed range: the data cannot pin the model down",
    ),
    "trust_customers_ok": ("{n} kunder (mindst {min})", "{n} customers (at least {min})"),
    "trust_customers_fail": (
        "kun {n} kunder: forudsigelser kræver mindst {min}",
        "only {n} customers: predictions need at least {min}",
    ),
    "trust_repeat_customers_ok": (
        "{n} har købt igen (mindst {min})",
        "{n} bought again (at least {min})",
    ),
    "trust_repeat_customers_fail": (
        "kun {n} kunder har købt mere end én gang: forudsigelser kræver mindst {min}",
        "only {n} customers bought more than once: predictions need at least {min}",
    ),
    "trust_spend_repeat_customers_ok": (
        "{n} kunder med genkøb (mindst {min})",
        "{n} repeat customers (at least {min})",
    ),
    "trust_spend_repeat_customers_fail": (
        "kun {n} kunder har købt mere end én gang: beløbsmodellen kræver mindst {min}",
        "only {n} customers bought more than once: the spend model needs at least {min}",
    ),
    "trust_a_not_1_ok": ("a er ikke tæt på 1", "a is not close to 1"),
    "trust_a_not_1_fail": (
        "den tilpassede frafaldsform (a ≈ 1) gør forventede køb ustabile",
        "the fitted drop-out shape (a ≈ 1) makes expected purchases unstable",
    ),
    "trust_identified_ok": (
        "log-sandsynligheden er ikke flad: dataene fastlægger parametrene",
        "the likelihood is not flat: the data pin the parameters down",
    ),
    "trust_identified_fail": (
        "dataene fastlægger næsten ikke {names}: {spans} passer næsten lige godt "
        "(log-sandsynlighed højst 1,92 under den bedste), og hen over det spænd flytter én "
        "kundes P(stadig kunde) sig op til {shift}",
        "the data hardly pin down {names}: {spans} fit almost equally well (log-likelihood "
        "within 1.92 of the best), and across that range one customer's P(alive) moves by "
        "up to {shift}",
    ),
    "trust_q_above_1_ok": ("q > 1 (endeligt gennemsnitsbeløb)", "q > 1 (a finite mean spend)"),
    "trust_q_above_1_fail": (
        "beløbene varierer så meget at modellens gennemsnitlige køb er uendeligt (q ≤ 1)",
        "spend varies so much that the model's average spend is infinite (q ≤ 1)",
    ),
    "trust_spend_independent_ok": (
        "beløb pr. køb følger ikke købshyppigheden (korrelation {corr})",
        "spend per purchase does not follow purchase frequency (correlation {corr})",
    ),
    "trust_spend_independent_fail": (
        "beløb pr. køb {direction} med købshyppigheden (korrelation {corr}); modellen "
        "antager at de er uafhængige, så det forventede beløb er upålideligt",
        "spend per purchase {direction} with purchase frequency (correlation {corr}); the "
        "model assumes they are unrelated, so expected spend is unreliable",
    ),
    "trust_rises": ("stiger", "rises"),
    "trust_falls": ("falder", "falls"),
    "fit_reused": (
        "Modellen er genbrugt fra en tidligere kørsel på de samme data og indstillinger.",
        "The model was reused from an earlier run on the same data and settings.",
    ),
    "report_unchanged": (
        "Rapporten er uændret: samme data, indstillinger og version af kunde som sidst, og "
        "filerne er dem, kunde skrev dengang; de er ikke skrevet igen.",
        "The report is unchanged: same data, settings and kunde as last time, and the files "
        "are the ones kunde wrote then; they were not written again.",
    ),
    "fit_reused_partly": (
        "En del af modellen er genbrugt fra en tidligere kørsel på de samme data og "
        "indstillinger; resten er beregnet på ny.",
        "Part of the model was reused from an earlier run on the same data and settings; "
        "the rest was fitted anew.",
    ),
    "clv_model_unusable": (
        "Modellen kan ikke bruges på disse data ({why}); viser den simple kundeværdi.",
        "The model cannot be trusted on this data ({why}); showing the simple CLV only.",
    ),
    "clv_spend_unusable": (
        "Beløbsmodellen (Gamma-Gamma) bruges ikke ({why}). P(stadig kunde) og forventede "
        "køb fra {model} står; forventet værdi og værdi i fare er udeladt, og den simple "
        "kundeværdi gælder.",
        "The spend model (Gamma-Gamma) is not used ({why}). P(alive) and expected purchases "
        "from {model} stand; predicted value and value at risk are left out, and the simple "
        "CLV applies.",
    ),
    "holdout_title": (
        "Modeltjek: forudsagte og faktiske køb pr. kunde",
        "Model check: predicted vs actual purchases per customer",
    ),
    "holdout_note": (
        "{model} tilpasset på ordrer til og med {calibration_end} og forudsagt for "
        "{calibration_end}–{as_of}. Ligger forudsagt og faktisk tæt, kan du stole på "
        "modellens forudsigelser for din butik.",
        "{model} fitted on orders up to {calibration_end} and predicted for "
        "{calibration_end}–{as_of}. If predicted and actual are close, you can trust the "
        "model's predictions for your shop.",
    ),
    "holdout_untrusted": (
        "Modellen tilpasset uden de sidste {period} er ikke til at stole på ({why}); "
        "kunde clv/churn --model ville heller ikke bruge den på sådanne data. Tabellen "
        "vises kun til orientering.",
        "The model fitted without the last {period} cannot be trusted ({why}); kunde "
        "clv/churn --model would not use it on data like this either. The table is shown "
        "for reference only.",
    ),
    "frequency_group": (
        "Genkøb i tilpasningsperioden",
        "Repeat purchases in the fitting period",
    ),
    "actual_purchases": ("Faktiske køb pr. kunde", "Actual purchases per customer"),
    "predicted_purchases": ("Forudsagte køb pr. kunde", "Predicted purchases per customer"),
    # --- nps ---
    "n": ("Svar", "Answers"),
    "promoters": ("Promotorer", "Promoters"),
    "passives": ("Passive", "Passives"),
    "detractors": ("Kritikere", "Detractors"),
    "share_promoters": ("Andel promotorer", "Share promoters"),
    "share_passives": ("Andel passive", "Share passives"),
    "share_detractors": ("Andel kritikere", "Share detractors"),
    "nps": ("NPS", "NPS"),
    "ci_low": ("NPS nedre (95 %)", "NPS low (95 %)"),
    "ci_high": ("NPS øvre (95 %)", "NPS high (95 %)"),
    "period": ("Periode", "Period"),
    "period_start": ("Periodestart", "Period start"),
    "small_n": ("Få svar", "Few answers"),
    "nps_category": ("Gruppe", "Group"),
    "matched": ("Kendt kunde", "Known customer"),
    "top_products": ("Køber mest", "Buys most"),
    "term_kind": ("Type", "Type"),
    "term": ("Ord / udtryk", "Word / phrase"),
    "comments": ("Kommentarer", "Comments"),
    "word": ("Ord", "Word"),
    "phrase": ("Udtryk", "Phrase"),
    # --- nps: the day answers count up to (analytics.nps.nps_as_of) ---
    "as_of": ("Svar til og med", "Answers up to"),
    "as_of_rule": ("Dato valgt efter", "Date chosen by"),
    "as_of_rule_given": ("--as-of", "--as-of"),
    "as_of_rule_orders": ("Seneste ordre", "Latest order"),
    "as_of_rule_answers": ("Seneste svar", "Latest answer"),
    "as_of_rule_undated": ("Svar uden dato", "Undated answers"),
    "nps_as_of_given": (
        "NPS-svar tæller til og med {day} (--as-of).",
        "NPS answers count up to {day} (--as-of).",
    ),
    "nps_as_of_orders": (
        "NPS-svar tæller til og med {day}, datoen for den seneste ordre.",
        "NPS answers count up to {day}, the date of the latest order.",
    ),
    "nps_as_of_answers": (
        "NPS-svar tæller til og med {day}, datoen for det seneste svar: {later} svar kom "
        "efter den seneste ordre ({orders}) og tæller med.",
        "NPS answers count up to {day}, the date of the latest answer: {later} answers came "
        "after the latest order ({orders}) and count.",
    ),
    "nps_as_of_answers_only": (
        "NPS-svar tæller til og med {day}, datoen for det seneste svar.",
        "NPS answers count up to {day}, the date of the latest answer.",
    ),
    "nps_as_of_undated": (
        "Svarene har ingen dato, så alle svar tæller med.",
        "The answers have no date, so every answer counts.",
    ),
    # --- report ---
    "last_answer": ("Seneste svar", "Last answer"),
    "predicted_clv": ("Forventet værdi", "Predicted value"),
    "value_at_risk": ("Værdi i fare", "Value at risk"),
    "expected_spend": ("Forventet køb pr. gang", "Expected spend per purchase"),
    # --- anonymised outputs (groups under 5 customers) ---
    "small_groups": (
        "Grupper med udeladte tal (små grupper, samlet mindst 5 kunder)",
        "Groups with figures left out (small groups, together 5 or more)",
    ),
}


# The sentences of each part of kunde, kept beside their subject, joined into one table.
# A key says one thing once: tests/words checks no two parts use the same key.
for _part in (
    _acquisition,
    _answers,
    _backtest,
    _charts,
    _commands,
    _config,
    _errors,
    _follow_up,
    _ingest,
    _loading,
    _models,
    _monthly,
    _output,
    _profit,
    _regularity,
    _seasonality,
    _store,
    _trends,
):
    LABELS.update(_part.WORDS)


def label(key: str, lang: str = DEFAULT_LANG) -> str:
    """The label for ``key`` in ``lang``; the key itself when no label is known.

    >>> label("at_risk"), label("at_risk", "en"), label("no_such_key")
    ('I fare', 'At risk', 'no_such_key')
    """
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pick(pair, lang)


def say(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The keyed sentence ``key`` in ``lang`` with its parameters filled in.

    >>> say("retention_window_note", "en", window=90)
    'A customer counts as active with an order within the last 90 days.'
    """
    template = label(key, lang)
    return template.format(**values) if values else template


def label_values(
    frame: pl.DataFrame, columns: dict[str, str] | list[str], lang: str, prefix: str = ""
) -> pl.DataFrame:
    """Show the snake_case key values of ``columns`` as labels (people's tables only).

    ``columns`` is a list (every column with ``prefix``) or a dict column → label prefix.
    String columns only; a value without a label shows its key (``prefix`` + value), as
    :func:`label` does.

    >>> import polars as pl
    >>> label_values(pl.DataFrame({"tier": ["lost", None]}), ["tier"], "da", prefix="tier_")
    shape: (2, 1)
    ┌──────┐
    │ tier │
    │ ---  │
    │ str  │
    ╞══════╡
    │ Tabt │
    │ null │
    └──────┘
    """
    import polars as pl

    wanted = columns if isinstance(columns, dict) else dict.fromkeys(columns, prefix)
    out = []
    for column, pre in wanted.items():
        if column not in frame.columns or frame.schema[column] != pl.String:
            continue
        values = frame.get_column(column).drop_nulls().unique().to_list()
        out.append(pl.col(column).replace({v: label(f"{pre}{v}", lang) for v in values}))
    return frame.with_columns(out) if out else frame


def nps_as_of_note(picked: NpsDay, lang: str = DEFAULT_LANG) -> str:
    """One sentence on the day NPS answers count up to and why (``picked`` comes from
    :func:`kunde_cli.analytics.nps.nps_as_of`, which every NPS-reading command asks)."""

    def when(day: date | None) -> str:
        return format_date(day, lang) if day is not None else "–"

    key = f"nps_as_of_{picked.rule}"
    if picked.rule == "answers" and picked.orders_day is None:
        key = "nps_as_of_answers_only"
    return label(key, lang).format(
        day=when(picked.day), orders=when(picked.orders_day), later=picked.later_answers
    )


LABELS["forget_returning"] = (
    "{rows} række(r) tilhører en person, der blev slettet med kunde forget den {day}; de er "
    "gemt igen — kør kunde forget igen for at slette dem (og ret eksportfilen)",
    "{rows} row(s) belong to a person erased with kunde forget on {day}; they were stored "
    "again — run kunde forget again to erase them (and fix the export)",
)


def returning_note(rows: int, day: str | None, lang: str = DEFAULT_LANG) -> str:
    """The ingest's warning when an export brings back a person erased with ``kunde
    forget`` (``day``: ISO date of the erasure)."""
    shown = day or "?"
    if lang == LANGS[0] and day:
        shown = f"{day[8:10]}-{day[5:7]}-{day[0:4]}"
    return label("forget_returning", lang).format(rows=rows, day=shown)


# Anonymised reports: the segments whose figures are left out, drawn as one bar.
LABELS["left_out_groups"] = ("Grupper med udeladte tal", "Groups with figures left out")
