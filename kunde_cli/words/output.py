"""Words of writing outputs: csv/json/parquet/html/xlsx files and folders, and their errors;
the options every command shares; ``kunde report``'s steps and notes; and the line every
analysis says on what it counted (``render/counting.py``).

``WORDS`` maps a key to its (da, en) pair; a sentence's values are named in braces
(``{path}``) and are the same in both languages. :func:`kunde_cli.words.said.said`
names a key, :func:`kunde_cli.words.labels.say` words it.
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- a terminal table too wide for the screen (render.terminal.show_frame) ---
    "output_columns_left_out": (
        "Udeladt, så tabellen passer til skærmen: {columns}. "
        "Se alle kolonner med --wide eller --format csv.",
        "Left out to fit the screen: {columns}. See every column with --wide or --format csv.",
    ),
    # --- writing an output (render.formats.write_outputs) ---
    "output_cannot_write": (
        "kan ikke skrive resultatet: {reason}; {after}",
        "cannot write the output: {reason}; {after}",
    ),
    "output_partly_written": (
        "en del af resultatet kan være skrevet",
        "part of the output may have been written",
    ),
    "output_previous_unchanged": ("den tidligere fil er uændret", "the previous file is unchanged"),
    "output_nothing_written": ("intet blev skrevet", "nothing was written"),
    "output_too_large": (
        "filen ville blive større end systemet tillader (ulimit -f)",
        "the file would be larger than this system allows (ulimit -f)",
    ),
    "output_permission_denied": ("adgang nægtet", "permission denied"),
    "output_path_has_file": (
        "en del af stien er en fil, ikke en mappe",
        "a part of the path is a file, not a folder",
    ),
    "output_it_is_folder": ("det er en mappe, ikke en fil", "it is a folder, not a file"),
    "output_name_too_long": ("navnet er for langt", "the name is too long"),
    "output_path_loop": (
        "et symbolsk link i stien peger tilbage på sig selv",
        "a symbolic link in the path points back to itself",
    ),
    "output_no_reader": ("intet læser i den anden ende", "nothing is reading at the other end"),
    "output_hint_free_space": (
        "frigør plads, eller skriv et andet sted med --output, og kør så kommandoen igen",
        "free some space, or write somewhere else with --output, then run the command again",
    ),
    "output_hint_ulimit": (
        "hæv grænsen (ulimit -f unlimited) eller skriv et mindre resultat",
        "raise the limit (ulimit -f unlimited) or write a smaller output",
    ),
    "output_hint_elsewhere": (
        "skriv et andet sted med --output",
        "write somewhere else with --output",
    ),
    "output_hint_permissions": (
        "skriv til en mappe, du må ændre, eller ret mappens rettigheder",
        "write to a folder you may change, or fix the folder's permissions",
    ),
    "output_file_above": (
        "{blocker} er en fil, ikke en mappe; intet blev skrevet",
        "{blocker} is a file, not a folder; nothing was written",
    ),
    "output_dangling_link": (
        "er et symbolsk link til {target}, som ikke findes; intet blev skrevet",
        "is a symbolic link to {target}, which does not exist; nothing was written",
    ),
    "output_link_loop": (
        "er et symbolsk link, der peger tilbage på sig selv (en løkke); intet blev skrevet",
        "is a symbolic link that points back to itself (a loop); nothing was written",
    ),
    "output_link_hint": (
        "angiv selve filnavnet, eller fjern linket",
        "give the file name itself, or remove the link",
    ),
    "output_is_folder": (
        "er en mappe, ikke en fil; intet blev skrevet",
        "is a folder, not a file; nothing was written",
    ),
    "output_is_folder_hint": (
        "angiv et filnavn, fx --output {example}",
        "give a file name, e.g. --output {example}",
    ),
    "output_is_disk_device": (
        "er en diskenhed, ikke en fil; intet blev skrevet",
        "is a disk device, not a file; nothing was written",
    ),
    "output_is_socket": (
        "er en socket, ikke en fil; intet blev skrevet",
        "is a socket, not a file; nothing was written",
    ),
    "output_not_a_file_hint": (
        "angiv et filnavn; kunde skriver filer, rør (pipes) og enheder som /dev/null",
        "give a file name; kunde writes files, pipes and devices like /dev/null",
    ),
    "output_parquet_binary": (
        "parquet er binært: angiv --output FIL.parquet, eller send stdout videre i et rør",
        "parquet is binary: give --output FILE.parquet or pipe stdout",
    ),
    "output_xlsx_binary": (
        "xlsx er binært: angiv --output FIL.xlsx",
        "xlsx is binary: give --output FILE.xlsx",
    ),
    "output_sheet_cut": (
        "Listen er afkortet: {shown} af {total} rækker vises (Excel kan højst rumme {most} "
        "rækker).",
        "The list is cut: {shown} of {total} rows shown (Excel holds at most {most} rows).",
    ),
    # --- a cell for people (render.terminal.format_cell) ---
    "output_yes": ("ja", "yes"),
    "output_no": ("nej", "no"),
    # --- the options every command shares (cli.options) ---
    "options_as_of_after_today": (
        "--as-of {day} ligger efter i dag ({today})",
        "--as-of {day} is after today ({today})",
    ),
    "options_as_of_after_today_hint": (
        "analysér pr. i dag eller en tidligere dato, eller udelad --as-of (den seneste ordredato)",
        "analyse as of today or an earlier date, or leave --as-of out (the latest order date)",
    ),
    "options_as_of_before_1990": (
        "--as-of {day} ligger før 1990",
        "--as-of {day} is before 1990",
    ),
    "options_as_of_before_1990_hint": (
        "angiv en dato som 2024-03-31",
        "give a date like 2024-03-31",
    ),
    "options_not_a_preset": (
        "--preset '{value}' er ikke en kendt forudindstilling",
        "--preset '{value}' is not a preset",
    ),
    "options_not_a_preset_hint": ("brug {presets}", "use {presets}"),
    "options_not_a_csv_style": (
        "--csv-style '{value}' er ikke en csv-stil",
        "--csv-style '{value}' is not a csv style",
    ),
    "options_not_a_csv_style_hint": (
        "brug plain (til scripts) eller da (til dansk Excel)",
        "use plain (for scripts) or da (for Danish Excel)",
    ),
    # --- loading for a command (cli.common) ---
    "common_no_amounts": (
        "dataene har ingen beløb (kun kunde og dato): køb, dage siden køb, stigen og churn "
        "virker; omsætning, ordreværdi og CLV er 0, fordi der ikke er noget at regne på",
        "the data has no amounts (customer and date only): purchases, recency, the ladder "
        "and churn work; revenue, order value and CLV are 0, as there is nothing to compute "
        "them from",
    ),
    # --- kunde report (cli.report) ---
    "report_dir_is_file": (
        "er en fil, ikke en mappe; intet blev skrevet",
        "is a file, not a folder; nothing was written",
    ),
    "report_dir_hint": (
        "giv --output et mappenavn, fx --output rapporter",
        "give --output a folder name, e.g. --output rapporter",
    ),
    "report_previous_unchanged": (
        "de tidligere rapportfiler er uændrede",
        "the previous report files are unchanged",
    ),
    "report_nothing_written": ("ingen rapport blev skrevet", "no report was written"),
    "report_step_load": ("Læser data", "Reading data"),
    "report_step_segments": ("Segmenter", "Segments"),
    "report_step_value": ("Kundeværdi", "Customer value"),
    "report_step_churn": ("Aktivitet", "Activity"),
    "report_step_ladder": ("Loyalitetsstigen", "Loyalty ladder"),
    "report_step_retention": ("Fastholdelse", "Retention"),
    "report_step_nps": ("NPS", "NPS"),
    "report_step_profiles": ("Profiler", "Profiles"),
    "report_step_customers": ("Kundeliste", "Customer list"),
    "report_two_folders": (
        "--output {first} og --output-dir {second} peger på to mapper: angiv én",
        "--output {first} and --output-dir {second} name two folders: give one",
    ),
    "report_step_answers": ("Svar og forudsigelser", "Answers and forecasts"),
    "report_step_html": ("HTML-rapport", "HTML report"),
    "report_step_xlsx": ("Excel-projektmappe", "Excel workbook"),
    "report_covers": (
        "Rapport for {customers} kunder pr. {when}.",
        "Report on {customers} customers as of {when}.",
    ),
    "report_no_survey": (
        "Ingen spørgeskemasvar: NPS-afsnittet siger det.",
        "No survey answers: the NPS section says so.",
    ),
    "report_model_switched_off": (
        "modeltrinnet var slået fra",
        "the model step was switched off",
    ),
    "report_clv_not_used": (
        "Kundeværdi-modellen bruges ikke ({reasons}); rapporten viser den simple kundeværdi.",
        "The customer-value model is not used ({reasons}); the report shows the simple value.",
    ),
    # --- what the numbers count (render.counting) ---
    "counted_head": (
        "Talt med: {purchases} for {revenue} fra {customers}",
        "Counted: {purchases} for {revenue} from {customers}",
    ),
    "counted_purchases_one": ("{n} køb", "{n} purchase"),
    "counted_purchases_many": ("{n} køb", "{n} purchases"),
    "counted_customers_one": ("{n} kunde", "{n} customer"),
    "counted_customers_many": ("{n} kunder", "{n} customers"),
    "counted_credit_notes": (
        "kreditnotaer fratrukket: {notes} på {amount}",
        "credit notes deducted: {notes} of {amount}",
    ),
    "counted_anonymous": (
        "heraf {orders} for {amount} uden kendt kunde",
        "of which {orders} for {amount} without a known customer",
    ),
    "counted_left_out": (
        "Ikke talt med: {parts} ({amount}).",
        "Not counted: {parts} ({amount}).",
    ),
    "counted_and": ("og", "and"),
    # a status class, as the status table says it (one order's status)
    "status_class_completed": ("gennemført", "completed"),
    "status_class_partially_refunded": ("delvist refunderet", "partly refunded"),
    "status_class_pending": ("afventer betaling", "awaiting payment"),
    "status_class_cancelled": ("annulleret", "cancelled"),
    "status_class_failed": ("fejlet", "failed"),
    "status_class_refunded": ("refunderet", "refunded"),
    "status_class_credit_note": ("kreditnota", "credit note"),
    "status_class_unknown": ("ukendt status", "unknown status"),
    # a status class left out, after a number: one ("1 annulleret") or more ("2 annullerede")
    "status_left_out_pending_one": ("afventer betaling", "awaiting payment"),
    "status_left_out_pending": ("afventer betaling", "awaiting payment"),
    "status_left_out_cancelled_one": ("annulleret", "cancelled"),
    "status_left_out_cancelled": ("annullerede", "cancelled"),
    "status_left_out_failed_one": ("fejlet", "failed"),
    "status_left_out_failed": ("fejlede", "failed"),
    "status_left_out_refunded_one": ("refunderet", "refunded"),
    "status_left_out_refunded": ("refunderede", "refunded"),
    "status_left_out_unknown_one": ("med ukendt status", "with an unknown status"),
    "status_left_out_unknown": ("med ukendt status", "with an unknown status"),
    # the status table of inspect / ingest
    "status_table_status": ("Status", "Status"),
    "status_table_means": ("Betyder", "Means"),
    "status_table_counted": ("Talt med", "Counted"),
    "status_table_orders": ("Ordrer", "Orders"),
    "status_table_amount": ("Beløb", "Amount"),
    "status_none": ("(ingen)", "(none)"),
    "status_counted_purchase": ("ja, køb", "yes, purchase"),
    "status_counted_deducted": ("trækkes fra", "deducted"),
    "status_counted_explain": (
        "nej – forklar ordet i kunde.toml",
        "no – explain it in kunde.toml",
    ),
    "status_counted_no": ("nej", "no"),
    "changes_one": (
        "{n} ordre er ændret siden sidste eksport: {parts} (den nye udgave tæller)",
        "{n} order changed since the last export: {parts} (the new version counts)",
    ),
    "changes_many": (
        "{n} ordrer er ændret siden sidste eksport: {parts} (den nye udgave tæller)",
        "{n} orders changed since the last export: {parts} (the new version counts)",
    ),
    "collisions": (
        "{n} ordrenumre bruges allerede af andre ordrer (anden kunde eller dato) i systemet "
        "'{source}'; de linjer er ikke gemt (se rejects.csv). Er filen fra et andet system "
        "(fx kassen), så giv det et navn: kunde ingest FIL --source kasse",
        "{n} order numbers are already used by other orders (another customer or date) of "
        "the system '{source}'; those lines were not stored (see rejects.csv). If the file "
        "comes from another system (a till, say), name it: kunde ingest FILE --source till",
    ),
}
