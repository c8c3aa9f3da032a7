"""Words of the follow-up with detractors and passives (issue 18 point 8): the columns,
statuses and sheets of the ``kunde nps --follow-up`` workbook, what the command says,
its errors, and the report's follow-up section.

``WORDS`` maps a key to its (da, en) pair; :func:`kunde_cli.words.labels.label` reads
it. ``STATUS_READ`` lists what an owner may type for each status key, in either
language (read without case, spaces or accents mattering).
"""

from __future__ import annotations

#: Status key -> what it may be typed as (besides its da and en words), lower case.
STATUS_READ: dict[str, tuple[str, ...]] = {
    "open": ("åben", "aaben", "aben", "åbn", "open", "ny", "new", "todo"),
    "contacted": ("kontaktet", "kontakt", "contacted", "ringet", "called", "mailet", "emailed"),
    "resolved": ("løst", "loest", "lost", "løs", "resolved", "lukket", "closed", "done", "færdig"),
}

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- the workbook's columns (name, email, score, comment, responded_at, orders,
    # revenue, last_order, segment, top_products and nps_category have labels already) ---
    "follow_up_status": ("Status", "Status"),
    "follow_up_note": ("Notat", "Note"),
    "follow_up_id": ("Svar-id", "Response id"),
    # --- the statuses (analytics.follow_up.STATUSES), as the dropdown shows them ---
    "fu_status_open": ("åben", "open"),
    "fu_status_contacted": ("kontaktet", "contacted"),
    "fu_status_resolved": ("løst", "resolved"),
    # --- one member of each group, for a row ---
    "fu_group_detractors": ("Kritiker", "Detractor"),
    "fu_group_passives": ("Passiv", "Passive"),
    "fu_group_promoters": ("Promotor", "Promoter"),
    # --- the workbook ---
    "fu_sheet_cases": ("Opfølgning", "Follow-up"),
    "fu_sheet_earlier": ("Tidligere sager", "Earlier cases"),
    "fu_sheet_note": (
        "Vælg status i kolonnen Status (åben, kontaktet, løst) og skriv i Notat. Næste "
        "kørsel af kunde nps --follow-up læser dem tilbage efter Svar-id: sortér og "
        "filtrér gerne, men ret ikke Svar-id.",
        "Choose a status in the Status column (open, contacted, resolved) and write in "
        "Note. The next run of kunde nps --follow-up reads them back by Response id: sort "
        "and filter as you like, but do not edit Response id.",
    ),
    "fu_earlier_note": (
        "Sager, der ikke længere er aktuelle (kunden har svaret igen, eller svaret er nu en "
        "promotors), men som har en status eller et notat. De gemmes her, så intet går tabt.",
        "Cases no longer current (the customer answered again, or the answer is now a "
        "promoter's) that have a status or a note. They are kept here so nothing is lost.",
    ),
    "fu_prompt_title": ("Status", "Status"),
    "fu_prompt": ("Vælg åben, kontaktet eller løst.", "Choose open, contacted or resolved."),
    "fu_error_title": ("Ukendt status", "Unknown status"),
    "fu_error": (
        "Vælg en status fra listen: åben, kontaktet eller løst.",
        "Choose a status from the list: open, contacted or resolved.",
    ),
    "fu_id_error_title": ("Svar-id", "Response id"),
    "fu_id_error": (
        "Svar-id'et genkender sagen ved næste kørsel: ret det ikke.",
        "The response id finds the case again on the next run: do not edit it.",
    ),
    # --- what the command says ---
    "fu_written": (
        "{cases} sager skrevet til {path} ({detractors} kritikere, {passives} passive): "
        "{open} åbne, {contacted} kontaktet, {resolved} løst.",
        "{cases} cases written to {path} ({detractors} detractors, {passives} passives): "
        "{open} open, {contacted} contacted, {resolved} resolved.",
    ),
    "fu_carried": (
        "{carried} statusser og notater ført videre efter svar-id; {new} nye sager er åbne.",
        "{carried} statuses and notes carried forward by response id; {new} new cases are open.",
    ),
    "fu_earlier": (
        "{n} tidligere sager med status eller notat står på arket '{sheet}'.",
        "{n} earlier cases with a status or a note are on the sheet '{sheet}'.",
    ),
    "fu_reopened": (
        "{n} sager, der var kontaktet eller løst, står som åbne i {path} — genåbnet med vilje, "
        "eller er det en ældre kopi af filen? Filens status gælder; ret den dér, hvis den er "
        "forkert.",
        "{n} cases that were contacted or resolved are open in {path} — reopened on "
        "purpose, or is it an older copy of the file? The file's status counts; correct it "
        "there if it is wrong.",
    ),
    "fu_gone": (
        "{n} sager med status eller notat hører til svar, der ikke længere findes (glemt "
        "med kunde forget, eller ikke i undersøgelsen mere): de er ikke ført videre.",
        "{n} cases with a status or a note belong to answers that no longer exist "
        "(forgotten with kunde forget, or no longer in the survey): they are not carried "
        "forward.",
    ),
    "fu_without_id": (
        "{n} rækker med status eller notat har intet Svar-id og føres ikke videre "
        "({where}); de står i {path}.",
        "{n} rows with a status or a note have no response id and are not carried "
        "forward ({where}); they are in {path}.",
    ),
    "fu_without_id_lost": (
        "{n} rækker med status eller notat har intet Svar-id og føres ikke videre "
        "({where}); den forrige fil er ikke gemt som {path}.",
        "{n} rows with a status or a note have no response id and are not carried "
        "forward ({where}); the previous file is not kept as {path}.",
    ),
    "fu_same_bytes": (
        "Intet nyt: {path} er uændret; {backup} er som før.",
        "Nothing new: {path} is unchanged; {backup} is as it was.",
    ),
    "fu_without_id_rows": (
        "ark '{sheet}', række {rows}",
        "sheet '{sheet}', row {rows}",
    ),
    "fu_backup": (
        "Den forrige fil er gemt som {path}.",
        "The previous file is kept as {path}.",
    ),
    "fu_backup_dropped": (
        "Den forrige fil havde status eller notat om en glemt kunde, så den er ikke gemt "
        "som {path} (en ældre kopi er slettet).",
        "The previous file had a status or a note on a forgotten customer, so it is not "
        "kept as {path} (an older copy was deleted).",
    ),
    "fu_stored": (
        "Statusserne er også gemt i arbejdsmappen, så rapporten tæller åbne og lukkede sager.",
        "The statuses are also kept in the workspace, so the report counts open and closed cases.",
    ),
    "fu_open_elsewhere": (
        "{path} ser ud til at være åben i et regneark ({lock} findes): gem og luk den, før "
        "du skriver mere i den, ellers kan regnearket gemme oven i den nye fil.",
        "{path} seems to be open in a spreadsheet ({lock} exists): save and close it before "
        "you write more in it, or the spreadsheet may save over the new file.",
    ),
    "fu_no_cases": (
        "Ingen kritikere eller passive at følge op på.",
        "No detractors or passives to follow up.",
    ),
    "fu_themes_title": (
        "Hyppigste ord i kommentarerne pr. gruppe",
        "Most common words in the comments per group",
    ),
    "fu_no_themes": (
        "Kommentarerne har endnu ingen ord, som flere nævner.",
        "The comments have no words yet that several mention.",
    ),
    # --- errors ---
    "fu_bad_status": (
        "ukendt status '{value}' på arket '{sheet}'; brug åben, kontaktet eller løst",
        "unknown status '{value}' on the sheet '{sheet}'; use open, contacted or resolved",
    ),
    "fu_bad_status_hint": (
        "Ret cellen (vælg fra listen) og kør kommandoen igen; intet er skrevet.",
        "Correct the cell (choose from the list) and run the command again; nothing was written.",
    ),
    "fu_not_workbook": (
        "filen kan ikke læses som en Excel-projektmappe (.xlsx)",
        "the file cannot be read as an Excel workbook (.xlsx)",
    ),
    "fu_not_workbook_hint": (
        "Gendan den fra {backup}, eller giv et andet filnavn; intet er skrevet.",
        "Restore it from {backup}, or give another file name; nothing was written.",
    ),
    "fu_not_workbook_hint_none": (
        "Flyt filen væk, eller giv et andet filnavn; intet er skrevet.",
        "Move the file away, or give another file name; nothing was written.",
    ),
    "fu_column_gone": (
        "arket '{sheet}' mangler kolonnen '{column}', så statusser og notater kan ikke "
        "læses sikkert; filen overskrives ikke",
        "the sheet '{sheet}' lacks the column '{column}', so statuses and notes cannot be "
        "read safely; the file is not overwritten",
    ),
    "fu_column_gone_hint": (
        "Sæt kolonnen tilbage (den står i {backup}); intet er skrevet.",
        "Put the column back (it is in {backup}); nothing was written.",
    ),
    "fu_column_gone_hint_none": (
        "Sæt kolonnen tilbage, eller giv et andet filnavn; intet er skrevet.",
        "Put the column back, or give another file name; nothing was written.",
    ),
    "fu_output_is_workbook": (
        "-o/--output må ikke være opfølgningsfilen eller dens kopi: ordene ville blive "
        "skrevet oven i sagerne; giv et andet filnavn",
        "-o/--output may not be the follow-up file or its copy: the words would be written "
        "over the cases; give another file name",
    ),
    "fu_not_ours": (
        "intet ark har kolonnen '{column}', så det er ikke en opfølgningsfil fra kunde; den "
        "overskrives ikke",
        "no sheet has the column '{column}', so it is not a follow-up file from kunde; it "
        "is not overwritten",
    ),
    "fu_not_ours_hint": (
        "Giv et andet filnavn til opfølgningen.",
        "Give another file name for the follow-up.",
    ),
    "fu_needs_xlsx": (
        "--follow-up skriver en Excel-fil: giv et navn, der ender på .xlsx",
        "--follow-up writes an Excel file: give a name ending in .xlsx",
    ),
    "fu_unchanged": (
        "Opfølgningsfilen {path} er uændret.",
        "The follow-up file {path} is unchanged.",
    ),
    # --- the report's section ---
    "fu_title": (
        "Opfølgning på kritikere og passive",
        "Following up detractors and passives",
    ),
    "fu_counts": (
        "{cases} kunder at følge op på ({detractors} kritikere, {passives} passive): "
        "{open} åbne, {contacted} kontaktet, {resolved} løst.",
        "{cases} customers to follow up ({detractors} detractors, {passives} passives): "
        "{open} open, {contacted} contacted, {resolved} resolved.",
    ),
    "fu_counts_new": (
        "{n} af dem har svaret efter den seneste opfølgningsfil og er åbne.",
        "{n} of them answered after the latest follow-up file and are open.",
    ),
    "fu_no_statuses": (
        "Ingen statusser endnu: kør `kunde nps --follow-up opfoelgning.xlsx` med "
        "arbejdsmappen, skriv status og notat i filen og kør den igen; så tæller rapporten "
        "åbne og lukkede sager her.",
        "No statuses yet: run `kunde nps --follow-up follow-up.xlsx` with the workspace, "
        "type statuses and notes in the file and run it again; then the report counts "
        "open and closed cases here.",
    ),
    "fu_themes_lead": (
        "Hvad kunderne skriver: de hyppigste ord i kommentarerne pr. gruppe, med andelen af "
        "gruppens kommentarer, der nævner dem.",
        "What customers write: the most common words in the comments per group, with the "
        "share of the group's comments that mention them.",
    ),
    "fu_themes_anonymised": (
        "Anonymiseret: kun ord fra mindst fem kommentarer, ingen kommentarer og ingen navne.",
        "Anonymised: only words from at least five comments, no comments and no names.",
    ),
    "fu_head_open": ("Åbne", "Open"),
    "fu_head_contacted": ("Kontaktet", "Contacted"),
    "fu_head_resolved": ("Løst", "Resolved"),
    "fu_head_cases": ("Sager", "Cases"),
    "fu_head_total": ("I alt", "Total"),
    "fu_head_terms": ("Hyppigste ord", "Most common words"),
}
