"""Words of reading exports and surveys: ingest's notes, warnings and errors (kunde ingest, inspect).

``WORDS`` maps a key to its (da, en) pair; a sentence's values are named in braces
(``{path}``) and are the same in both languages. :func:`kunde_cli.words.said.said`
names a key, :func:`kunde_cli.words.labels.say` words it.

Why a row was refused is a code (``no_date``) in the rejects frame, the rejects file's
``reason_code`` column and inspect's JSON; ``reject_<code>`` words it
(:func:`kunde_cli.words.inspect.reject_reason`).
"""

from __future__ import annotations

# key -> (da, en)
WORDS: dict[str, tuple[str, str]] = {
    # --- where the bytes come from: files, pipes, standard input, archives ---
    "ingest_is_device": (
        "er en enhed, ikke en fil eller et rør",
        "is a device, not a file or a pipe",
    ),
    "ingest_is_device_file": ("er en enhed, ikke en fil", "is a device, not a file"),
    "ingest_give_file_or_pipe": (
        "giv kunde en eksporteret fil, eller send en ind gennem et rør: "
        "cat ordrer.csv | kunde ingest -",
        "give kunde an exported file, or pipe one in: cat ordrer.csv | kunde ingest -",
    ),
    "ingest_what_pipe": ("røret", "the pipe"),
    "ingest_what_stdin": ("standardinput", "standard input"),
    "ingest_cannot_read_what": ("kan ikke læse {what} ({reason})", "cannot read {what} ({reason})"),
    "ingest_stream_idle": (
        "{what} sendte intet i {seconds:g} sekunder og sluttede ikke",
        "{what} sent nothing for {seconds:g} seconds and did not end",
    ),
    "ingest_stream_too_large": (
        "{what} sendte mere end {size} uden at slutte; kunde holder højst {size} af en "
        "datastrøm i hukommelsen",
        "{what} sent more than {size} without ending; kunde holds at most {size} of a "
        "stream in memory",
    ),
    "ingest_save_to_file_first": (
        "gem eksporten i en fil først, og giv så kunde filen",
        "save the export to a file first, then give kunde the file",
    ),
    "ingest_no_stdin": ("der er ingen standardinput at læse", "there is no standard input to read"),
    "ingest_stdin_is_terminal": (
        "standardinput er terminalen, ikke en fil",
        "standard input is the terminal, not a file",
    ),
    "ingest_stdin_terminal_hint": (
        "send en eksport ind gennem et rør, fx  cat ordrer.csv | kunde inspect -",
        "pipe an export in, e.g.  cat ordrer.csv | kunde inspect -",
    ),
    "ingest_stdin_empty": ("der kom intet på standardinput", "nothing arrived on standard input"),
    "ingest_stdin_empty_hint": (
        "send en eksport ind gennem et rør, fx  cat ordrer.csv | kunde ingest -",
        "pipe an export in, e.g.  cat ordrer.csv | kunde ingest -",
    ),
    "ingest_is_folder": ("er en mappe, ikke en fil", "is a folder, not a file"),
    "ingest_no_permission": ("ingen adgang til at læse filen", "no permission to read the file"),
    "ingest_symlink_loop": (
        "er et symbolsk link, der peger på sig selv i en løkke",
        "is a symbolic link that points to itself in a loop",
    ),
    "ingest_symlink_loop_hint": (
        "lad linket pege på eksportfilen, eller giv kunde selve filen",
        "point the link at the export file, or give kunde the file itself",
    ),
    "ingest_cannot_read_file": (
        "kan ikke læse filen ({reason})",
        "cannot read the file ({reason})",
    ),
    "ingest_file_empty": ("filen er tom", "the file is empty"),
    "ingest_export_again": (
        "eksportér ordrerne igen fra dit shopsystem",
        "export the orders again from your shop system",
    ),
    "ingest_archive_export_empty": (
        "eksporten i arkivet er tom",
        "the export inside the archive is empty",
    ),
    "ingest_not_a_table": (
        "dette er ikke en tabel (CSV eller Excel)",
        "this is not a table (CSV or Excel)",
    ),
    "ingest_export_as_table": (
        "eksportér ordrerne som CSV eller Excel",
        "export the orders as CSV or Excel",
    ),
    "ingest_binary": (
        "binære data, ikke en CSV- eller Excel-fil",
        "binary data, not a CSV or Excel file",
    ),
    "ingest_export_again_csv_or_excel": (
        "eksportér ordrerne igen som CSV (UTF-8) eller Excel",
        "export the orders again as CSV (UTF-8) or Excel",
    ),
    "ingest_gzip_damaged": (
        "gzip-filen er beskadiget eller afkortet",
        "the gzip file is damaged or cut short",
    ),
    "ingest_download_again": ("hent eller eksportér den igen", "download or export it again"),
    "ingest_zip_password": (
        "zip-arkivet er beskyttet med adgangskode",
        "the zip archive is password-protected",
    ),
    "ingest_unzip_first": (
        "pak det ud først, og giv kunde filen, det indeholder",
        "unzip it first and give kunde the file inside",
    ),
    "ingest_zip_member_unreadable": (
        "kan ikke pakke '{name}' ud af zip-arkivet (beskadiget eller en komprimering, "
        "som ikke understøttes)",
        "cannot unpack '{name}' from the zip archive (damaged or an unsupported compression)",
    ),
    "ingest_unpacks_too_large": (
        "arkivet fylder mere end {size} udpakket; kunde pakker højst {size} ud i hukommelsen",
        "the archive unpacks to more than {size}; kunde unpacks at most {size} in memory",
    ),
    "ingest_unpack_yourself": (
        "pak det selv ud, og giv kunde filen, det indeholder",
        "unpack it yourself and give kunde the file inside",
    ),
    "ingest_zip_empty": ("zip-arkivet er tomt", "the zip archive is empty"),
    "ingest_export_again_csv": (
        "eksportér ordrerne igen som CSV",
        "export the orders again as CSV",
    ),
    "ingest_zip_many": (
        "zip-arkivet indeholder {count} filer ({names}); kunde læser én eksport pr. fil",
        "the zip archive holds {count} files ({names}); kunde reads one export per file",
    ),
    "ingest_zip_many_hint": (
        "pak det ud, og giv kunde filerne, fx kunde ingest {names}",
        "unzip it and give kunde the files, e.g. kunde ingest {names}",
    ),
    # --- the header and the columns ---
    "ingest_no_header": ("ingen overskriftsrække fundet", "no header row found"),
    "ingest_columns_count": (
        "--columns navngiver {given} kolonne(r), men filen har {width}",
        "--columns names {given} column(s), but the file has {width}",
    ),
    "ingest_columns_count_shown": (
        "--columns navngiver {given} kolonne(r), men filen har {width} (første række: {shown})",
        "--columns names {given} column(s), but the file has {width} (first row: {shown})",
    ),
    "ingest_columns_count_hint": (
        "navngiv hver kolonne i rækkefølge, - for en, der springes over, "
        "fx --columns id,date,-,amount",
        "name every column in order, - for one to skip, e.g. --columns id,date,-,amount",
    ),
    "ingest_columns_unknown": (
        "--columns: ukendt felt '{name}'",
        "--columns: unknown field '{name}'",
    ),
    "ingest_columns_empty_name": (
        "--columns '{columns}' har et tomt navn",
        "--columns '{columns}' has an empty name",
    ),
    "ingest_columns_hint": (
        "navngiv hver kolonne i rækkefølge med et felt ({fields}, eller id, date, qty), "
        "- for at springe en over: --columns id,date,qty,amount",
        "name each column in order with a field ({fields}, or id, date, qty), - to skip "
        "one: --columns id,date,qty,amount",
    ),
    "ingest_columns_twice": (
        "--columns navngiver {field} to gange ('{name}')",
        "--columns names {field} twice ('{name}')",
    ),
    "ingest_columns_none": ("--columns navngiver intet felt", "--columns names no field"),
    "ingest_columns_example": (
        "fx --columns id,date,qty,amount",
        "e.g. --columns id,date,qty,amount",
    ),
    "ingest_headerless": (
        "filen har ingen overskriftsrække: dens første linje er data ({cells})",
        "the file has no header row: its first line is data ({cells})",
    ),
    "ingest_headerless_hint": (
        "navngiv dens {count} kolonner i rækkefølge med --columns, fx --columns {guess} "
        "(- springer en kolonne over), eller angiv efter placering: --map amount={position}",
        "name its {count} columns in order with --columns, e.g. --columns {guess} "
        "(- skips a column), or map by position: --map amount={position}",
    ),
    "ingest_map_unknown_field": ("ukendt felt '{name}' i --map", "unknown field '{name}' in --map"),
    "ingest_fields_are": ("felter: {fields}", "fields: {fields}"),
    "ingest_unknown_preset": ("ukendt skabelon '{preset}'", "unknown preset '{preset}'"),
    "ingest_presets_are": (
        "brug shopify, woocommerce eller generic",
        "use shopify, woocommerce or generic",
    ),
    "ingest_map_no_column": (
        "--map {field}={column}: ingen kolonne med navnet '{column}'",
        "--map {field}={column}: no column called '{column}'",
    ),
    "ingest_columns_in_file": ("kolonner i filen: {columns}", "columns in the file: {columns}"),
    "ingest_missing_customer": (
        "ingen kolonne fundet til customer_id (eller email eller phone)",
        "no column found for customer_id (or email or phone)",
    ),
    "ingest_missing_date_and_customer": (
        "ingen kolonne fundet til order_date, customer_id (eller email eller phone)",
        "no column found for order_date, customer_id (or email or phone)",
    ),
    "ingest_missing_columns_hint": (
        "kolonner i filen: {columns}. Angiv den rigtige med --map, fx --map amount=Total "
        "(felter: {fields})",
        "columns in the file: {columns}. Name the right one with --map, e.g. --map "
        "amount=Total (fields: {fields})",
    ),
    "ingest_score_hint": (
        'angiv den med --map score="KOLONNE" (se `kunde inspect FIL`)',
        'name it with --map score="COLUMN" (see `kunde inspect FILE`)',
    ),
    "ingest_score_lookalike_hint": (
        "{names} lignede scoren, men værdierne er ikke 0–10; angiv den med "
        '--map score="KOLONNE" (se `kunde inspect FIL`)',
        "{names} looked like the score but its values are not 0–10; name it with "
        '--map score="COLUMN" (see `kunde inspect FILE`)',
    ),
    "ingest_no_date_format": (
        "intet datoformat passer til værdierne i denne kolonne",
        "no date format fits the values in this column",
    ),
    "ingest_no_date_format_hint": (
        "datoer skal se ud som 2024-03-05, 05-03-2024, 05.03.2024, 05/03/2024, 20240305 "
        "eller et Unix-tidsstempel (1709596800); eller angiv en anden kolonne med "
        "--map order_date=KOLONNE",
        "dates must look like 2024-03-05, 05-03-2024, 05.03.2024, 05/03/2024, 20240305 "
        "or a Unix timestamp (1709596800); or map another column with --map order_date=COLUMN",
    ),
    # --- workbooks (ingest.readers, ingest.workbook_guard) ---
    "ingest_workbook_damaged": (
        "Excel-filen er beskadiget (ikke en gyldig .xlsx/zip-fil)",
        "the workbook is damaged (not a valid .xlsx/zip file)",
    ),
    "ingest_resave_or_csv": (
        "åbn den i Excel og gem den igen, eller eksportér som CSV",
        "open it in Excel and save it again, or export as CSV",
    ),
    "ingest_sheet_empty": ("arket '{sheet}' er tomt", "sheet '{sheet}' is empty"),
    "ingest_workbook_password": (
        "kan ikke åbne Excel-filen: den er beskyttet med adgangskode eller ikke en rigtig Excel-fil",
        "cannot open the workbook: it is password-protected or not a real Excel file",
    ),
    "ingest_workbook_password_hint": (
        "åbn den i Excel, gem en kopi uden adgangskode, eller eksportér som CSV",
        "open it in Excel, save a copy without password, or export as CSV",
    ),
    "ingest_workbook_unopenable": (
        "kan ikke åbne Excel-filen (beskadiget eller ikke en rigtig Excel-fil)",
        "cannot open the workbook (damaged or not a real Excel file)",
    ),
    "ingest_no_such_sheet": ("intet ark med navnet '{sheet}'", "no sheet called '{sheet}'"),
    "ingest_sheets_are": ("ark i denne Excel-fil: {names}", "sheets in this workbook: {names}"),
    "ingest_all_sheets_empty": (
        "alle ark i Excel-filen er tomme",
        "every sheet in the workbook is empty",
    ),
    "ingest_workbook_part_damaged": (
        "Excel-filen er beskadiget (en del af den kan ikke pakkes ud)",
        "the workbook is damaged (a part of it cannot be unpacked)",
    ),
    "ingest_workbook_refused_hint": (
        "åbn den i Excel og gem den igen, eller eksportér arket som CSV",
        "open it in Excel and save it again, or export the sheet as CSV",
    ),
    "ingest_workbook_compression": (
        "Excel-filen bruger en komprimering, som kunde ikke kan læse",
        "the workbook uses a compression kunde cannot read",
    ),
    "ingest_workbook_parts": (
        "Excel-filen består af {count} dele (en Excel-fil har nogle få dusin)",
        "the workbook holds {count} parts (a workbook has a few dozen)",
    ),
    "ingest_workbook_member_too_large": (
        "'{name}' i Excel-filen fylder {size} udpakket; kunde læser højst {limit} pr. del",
        "'{name}' in the workbook unpacks to {size}; kunde reads at most {limit} per part",
    ),
    "ingest_workbook_zip_bomb": (
        "'{name}' i Excel-filen bliver {ratio} gange større udpakket, end den fylder "
        "({size}): en zip-bombe, ikke en eksport",
        "'{name}' in the workbook unpacks {ratio} times larger than it is stored "
        "({size}): a zip bomb, not an export",
    ),
    "ingest_workbook_too_large": (
        "Excel-filen fylder {size} udpakket; kunde læser højst {limit}",
        "the workbook unpacks to {size}; kunde reads at most {limit}",
    ),
    "ingest_workbook_too_large_hint": (
        "eksportér færre rækker ad gangen, eller eksportér som CSV",
        "export fewer rows at a time, or export as CSV",
    ),
    "ingest_sheet_too_many_cells": (
        "arket '{sheet}' angiver {rows} rækker × {cols} kolonner ({ref}); kunde læser "
        "højst {limit} celler pr. ark",
        "sheet '{sheet}' declares {rows} rows × {cols} columns ({ref}); kunde reads "
        "at most {limit} cells per sheet",
    ),
    "ingest_sheet_too_many_cells_hint": (
        "åbn den i Excel, slet de tomme rækker og kolonner efter dataene og gem, eller "
        "eksportér arket som CSV",
        "open it in Excel, delete the empty rows and columns after the data and save, or "
        "export the sheet as CSV",
    ),
    "ingest_workbook_long_text": (
        "Excel-filen har en tekst på mere end {size} i én celle (Excel rummer højst 32.767 tegn)",
        "the workbook holds a text of more than {size} in one cell (Excel holds at most "
        "32,767 characters)",
    ),
    "ingest_workbook_tmp": (
        "kan ikke bruge en midlertidig mappe til at læse Excel-filen ({reason}); intet er ændret",
        "cannot use a temporary folder to read the workbook ({reason}); nothing was changed",
    ),
    "ingest_workbook_tmp_write": (
        "kan ikke skrive arket til en midlertidig mappe ({reason}); intet er ændret",
        "cannot write the sheet to a temporary folder ({reason}); nothing was changed",
    ),
    "ingest_tmp_hint": (
        "frigør diskplads, eller lad TMPDIR pege på en mappe med plads",
        "free disk space, or point TMPDIR at a folder with room",
    ),
    "ingest_workbook_reader_start": (
        "kan ikke starte Excel-læseren ({reason})",
        "cannot start the workbook reader ({reason})",
    ),
    "ingest_workbook_out_of_memory": (
        "Excel-filen kræver mere hukommelse at læse, end kunde tillader ({limit}); den er "
        "beskadiget eller lavet til at opbruge hukommelsen",
        "the workbook needs more memory to read than kunde allows ({limit}); it is "
        "damaged or built to exhaust memory",
    ),
    "ingest_workbook_out_of_memory_unlimited": (
        "Excel-filen kræver mere hukommelse at læse, end kunde tillader; den er "
        "beskadiget eller lavet til at opbruge hukommelsen",
        "the workbook needs more memory to read than kunde allows; it is "
        "damaged or built to exhaust memory",
    ),
    "ingest_workbook_crashed": (
        "Excel-læseren gik ned på denne fil ({signal}); den er beskadiget eller ondsindet",
        "the Excel reader crashed on this workbook ({signal}); it is damaged or hostile",
    ),
    "ingest_workbook_stopped": (
        "Excel-læseren stoppede på denne fil (exit {code})",
        "the Excel reader stopped on this workbook (exit {code})",
    ),
    # --- the ingest run (app.ingest) ---
    "ingest_kind_invalid": (
        "--kind skal være orders eller survey, ikke '{kind}'",
        "--kind must be orders or survey, not '{kind}'",
    ),
    "ingest_strict_refused": (
        "{count} række(r) kan ikke bruges; intet er skrevet (--strict)",
        "{count} row(s) cannot be used; nothing was written (--strict)",
    ),
    "ingest_strict_hint": (
        "se hvorfor med `kunde inspect FIL`, eller kør uden --strict for at beholde de gode rækker",
        "see why with `kunde inspect FILE`, or run without --strict to keep the good rows",
    ),
    "ingest_strict_collisions": (
        "{count} ordre(r) i {path} har numre, som andre ordrer (en anden kunde eller dato) "
        "allerede bruger; intet er skrevet (--strict)",
        "{count} order(s) in {path} have numbers that other orders (another customer or "
        "date) already use; nothing was written (--strict)",
    ),
    "ingest_source_hint": (
        "er eksporten fra et andet shopsystem eller en kasse, så navngiv det: "
        "kunde ingest FIL --source NAVN",
        "if this export is from another shop system or till, name it: "
        "kunde ingest FILE --source NAME",
    ),
    "ingest_skipped_same_file": (
        "{path}: allerede indlæst {day}, springes over (samme fil)",
        "{path}: already ingested on {day}; skipped (the same file)",
    ),
    "ingest_file_note": ("{path}: {note}", "{path}: {note}"),
    "ingest_reading_files": ("Læser filer", "Reading files"),
    "ingest_title": ("Indlæst i {workspace}", "Ingested into {workspace}"),
    "ingest_refused_rows": (
        "{count} række(r) kunne ikke bruges, se {path}",
        "{count} row(s) could not be used, see {path}",
    ),
    "ingest_answers_changed": (
        "{source}: {count} svar er ændret siden sidste eksport (den nye udgave tæller)",
        "{source}: {count} answers changed since the last export (the new version counts)",
    ),
    "ingest_answer_collisions": (
        "{source}: {count} svar har et svarnummer, som et andet gemt svar (anden person "
        "eller dato) allerede har, fx et nyt ark, der tæller fra 1 igen; de er gemt som "
        "særskilte svar",
        "{source}: {count} answers have a response number another stored answer (another "
        "person or date) already has, e.g. a new sheet numbering from 1 again; they are "
        "stored as answers of their own",
    ),
    "ingest_old_made_up_ids": (
        "{source}: filen har ingen ordrenumre, og arbejdsmappen har ordrer fra en sådan "
        "fil gemt af en ældre kunde under numre, som ikke kan genkendes; er filen en nyere "
        "eksport af samme ark, tælles de ordrer to gange. Start en ny arbejdsmappe "
        "(--workspace) og indlæs eksporterne igen",
        "{source}: the file has no order numbers, and the workspace holds orders of such "
        "a file stored by an older kunde under numbers that cannot be matched; if this "
        "file is a newer export of the same sheet, those orders count twice. Start a new "
        "workspace (--workspace) and ingest the exports again",
    ),
    "ingest_credited_orders": (
        "{source}: {count} ordrer står kun med krediterede linjer i filen (en eksport af "
        "refusioner); linjerne er lagt til ordren, de betalte linjer står",
        "{source}: {count} orders have only credit lines in the file (an export of "
        "refunds); the lines were added to the order, its paid lines stay",
    ),
    "ingest_fewer_lines": (
        "{source}: {count} ordrer har færre linjer end sidst; eksportens udgave gælder (en "
        "ordre rettet). Viser filen kun nogle linjer (fx kun refusioner), så indlæs den "
        "fulde ordreeksport i stedet",
        "{source}: {count} orders have fewer lines than before; the export's version "
        "counts (an order edited). If the file lists only some lines (refunds only, say), "
        "ingest the full order export instead",
    ),
    "ingest_older_orders": (
        "{source}: {count} ordrer findes også i en eksport, der er lavet senere (filens "
        "dato) og allerede indlæst; dens udgave gælder",
        "{source}: {count} orders are also in an export made later (the file's date) and "
        "already ingested; its version counts",
    ),
    "ingest_moved_lines": (
        "{source}: {count} linjer, som filen gemte under et andet systemnavn, hører nu til "
        "'{system}' (gemt én gang)",
        "{source}: {count} lines this file stored under another system's name now belong "
        "to '{system}' (stored once)",
    ),
    "inspect_customers_matched": ("Kunder matchet", "Customers matched"),
    # --- notes: what reading a file found (ingest.readers, parsing, validate, survey) ---
    "ingest_and": ("{first} og {last}", "{first} and {last}"),
    "ingest_note_skipped_lines": (
        "sprang {count} linje(r) over før overskriften",
        "skipped {count} line(s) above the header",
    ),
    "ingest_note_skipped_rows": (
        "sprang {count} række(r) over før overskriften",
        "skipped {count} row(s) above the header",
    ),
    "ingest_note_columns_named": (
        "ingen overskriftsrække; kolonnerne er navngivet med --columns",
        "no header row; the columns are named by --columns",
    ),
    "ingest_note_header_replaced": (
        "overskriftsrækken ({cells}) er erstattet af --columns",
        "the header row ({cells}) is replaced by --columns",
    ),
    "ingest_note_excel_days_mixed": (
        "'{column}' blander datoer og Excel-dagnumre; {count} dagnummer/-numre er læst som "
        "datoer ({example} = {day})",
        "'{column}' mixes dates and Excel day numbers; read {count} day number(s) as dates "
        "({example} = {day})",
    ),
    "ingest_note_repeated_empty_one": (
        "{count} kolonner hedder '{name}' (kolonne {where}); kolonne {empty} er tom, så "
        "kolonne {target} læses",
        "{count} columns are called '{name}' (columns {where}); column {empty} is empty, "
        "so column {target} is read",
    ),
    "ingest_note_repeated_empty_many": (
        "{count} kolonner hedder '{name}' (kolonne {where}); kolonne {empty} er tomme, så "
        "kolonne {target} læses",
        "{count} columns are called '{name}' (columns {where}); column {empty} are empty, "
        "so column {target} is read",
    ),
    "ingest_note_repeated_differ": (
        "{count} kolonner hedder '{name}' (kolonne {where}) og har forskellige værdier; "
        "kolonne {target} læses. For at læse kolonne {other_number} i stedet: "
        "--map {field}='{other}'",
        "{count} columns are called '{name}' (columns {where}) and hold different values; "
        "column {target} is read. To read column {other_number} instead: "
        "--map {field}='{other}'",
    ),
    "ingest_note_gunzipped": ("pakkede gzip-filen ud", "unpacked the gzip file"),
    "ingest_note_from_zip": (
        "læste '{name}' fra zip-arkivet",
        "read '{name}' from the zip archive",
    ),
    "ingest_note_nul_removed": (
        "fjernede NUL-bytes (0x00) fra filen",
        "removed NUL bytes (0x00) from the file",
    ),
    "ingest_note_mixed_encoding": (
        "nogle tegn er ikke UTF-8; de er læst som Windows-1252",
        "some characters are not UTF-8; read them as Windows-1252",
    ),
    "ingest_note_irregular_rows": (
        "filen har uregelmæssige rækker; læst med den tolerante læser",
        "the file has irregular rows; read with the tolerant reader",
    ),
    "ingest_note_dates_fit_both_dayfirst": (
        "datoerne i '{column}' passer både med dag først og måned først; læst med dag "
        "først (dansk). Brug --monthfirst eller --dayfirst, hvis det er forkert.",
        "dates in '{column}' fit both day-first and month-first; read day first "
        "(Danish). Use --monthfirst or --dayfirst if that is wrong.",
    ),
    "ingest_note_dates_fit_both_monthfirst": (
        "datoerne i '{column}' passer både med dag først og måned først; læst med måned "
        "først (--monthfirst). Brug --monthfirst eller --dayfirst, hvis det er forkert.",
        "dates in '{column}' fit both day-first and month-first; read month first "
        "(--monthfirst). Use --monthfirst or --dayfirst if that is wrong.",
    ),
    "ingest_note_dates_fit_yearfirst": (
        "datoerne i '{column}' passer både med dag først (dd-mm-åå) og år først "
        "(åå-mm-dd); læst med dag først (dansk): 24-03-05 er 24. marts 2005",
        "dates in '{column}' fit both day-first (dd-mm-yy) and year-first (yy-mm-dd); "
        "read day first (Danish): 24-03-05 is 24 March 2005",
    ),
    "ingest_note_two_digit_years": (
        "tocifrede årstal i '{column}' ({format}) læses som {pivot}: {example} er 2024-03-15",
        "two-digit years in '{column}' ({format}) read as {pivot}: {example} is 2024-03-15",
    ),
    "ingest_note_amounts_thousands": (
        "beløb i {names} som '{example}' kan være tusinder eller decimaler (intet beløb har "
        "decimaler, der afgør det): læst som tusinder, {example} = {read}",
        "amounts in {names} such as '{example}' could be thousands or decimals (no amount "
        "has decimals to tell): read as thousands, {example} = {read}",
    ),
    "ingest_note_amounts_decimals": (
        "beløb i {names} som '{example}' kan være tusinder eller decimaler (intet beløb har "
        "decimaler, der afgør det): læst som decimaler, {example} = {example}",
        "amounts in {names} such as '{example}' could be thousands or decimals (no amount "
        "has decimals to tell): read as decimals, {example} = {example}",
    ),
    "ingest_note_excel_days": (
        "datoerne i '{column}' er Excel-dagnumre; læst som datoer",
        "dates in '{column}' are Excel day numbers; read as dates",
    ),
    "ingest_reading_unit_price": ("stykpris × antal", "unit price × quantity"),
    "ingest_reading_line_total": ("linjetotal", "line total"),
    "ingest_why_quantities_one": (
        "alle antal er 1, så stykpris og linjetotal er det samme",
        "every quantity is 1, so unit price and line total are the same",
    ),
    "ingest_why_order_total": (
        "pris × antal giver ordretotalen i {unit} ordrer, priserne alene i {line}",
        "price × quantity adds up to the order total in {unit} orders, the prices alone in {line}",
    ),
    "ingest_why_products": (
        "{unit} varer har samme pris ved forskellige antal, {line} har en pris, der vokser "
        "med antallet",
        "{unit} products keep their price at different quantities, {line} have a price "
        "that grows with the quantity",
    ),
    "ingest_why_undecided": (
        "dataene afgør det ikke; læst som linjetotaler",
        "the data does not tell; read as line totals",
    ),
    "ingest_amount_reason": (
        "'{column}' læst som {reading}: {why}",
        "'{column}' read as {reading}: {why}",
    ),
    "ingest_note_amount_reading": (
        "{reason}. Brug --map unit_price={column} eller --map amount={column}, hvis det er "
        "forkert.",
        "{reason}. Use --map unit_price={column} or --map amount={column} if that is wrong.",
    ),
    "ingest_note_no_amount": (
        "ingen beløbskolonne: købene tælles med (hyppighed, seneste køb, trappe, frafald), "
        "beløbene ikke",
        "no amount column: purchases are counted (frequency, recency, ladder, churn), money is not",
    ),
    "ingest_note_credit_notes": (
        "{count} linjer har et fakturanummer, der starter med C: læst som annulleringer "
        "(kreditnotaer), trukket fra omsætningen og aldrig regnet som køb",
        "{count} lines have an invoice number starting with C: read as cancellations "
        "(credit notes), deducted from revenue and never purchases",
    ),
    "ingest_note_alike_rows": (
        "{count} rækker gentager en tidligere række i alt, hvad der udgør en ordre (kunde, "
        "dato, beløb, vare, antal): hver tælles som sin egen ordre (filen har ingen "
        "ordrenumre at skelne dem ved); fjern dem fra filen, hvis de er kopier",
        "{count} rows repeat an earlier row in everything that makes an order (customer, "
        "date, amount, product, quantity): each counted as an order of its own (the file "
        "has no order numbers to tell them apart); remove them from the file if they are "
        "copies",
    ),
    "ingest_what_lines": ("linjer", "lines"),
    "ingest_what_answers": ("svar", "answers"),
    "ingest_what_rows": ("rækker", "rows"),
    "ingest_latest": (" (senest {day})", " (latest {day})"),
    "ingest_note_future_kept": (
        "{count} {what} dateret efter i dag{latest} er beholdt (--allow-future); analyserne "
        "udelader dem, til deres dato er kommet",
        "{count} {what} dated after today{latest} kept (--allow-future); analyses leave "
        "them out until their date has come",
    ),
    "ingest_note_future_refused": (
        "{count} {what} dateret efter i dag{latest} er afvist: et forkert tastet år? "
        "Brug --allow-future for at beholde dem",
        "{count} {what} dated after today{latest} refused: a mistyped year? "
        "Use --allow-future to keep them",
    ),
    "ingest_note_guests": (
        "{count} linjer har '{column}' {values}, som betyder ingen konto (en gæst): matchet "
        "på e-mail, derefter telefon",
        "{count} lines have '{column}' {values}, which means no account (a guest): matched "
        "by e-mail, then phone",
    ),
    "ingest_note_shared_id": (
        "kunde-id {id} har {count} forskellige e-mailadresser: sandsynligvis en delt konto "
        "eller gæstekonto; dens ordrer er én kunde",
        "customer id {id} carries {count} different e-mail addresses: probably a shared or "
        "guest account; its orders are one customer",
    ),
    "ingest_note_shared_more": (
        "… og {count} id'er mere med flere end {limit} e-mails",
        "… and {count} more ids with more than {limit} e-mails",
    ),
    "ingest_note_anonymous": (
        "{count} linjer har hverken kunde-id, e-mail eller telefon: de tæller med i "
        "butikkens ordrer og omsætning, men ikke i analyser pr. kunde",
        "{count} lines have no customer id, e-mail or phone: counted in the shop's orders "
        "and revenue, left out of per-customer analyses",
    ),
    "ingest_note_survey_layout": (
        "spørgeskemaets format: {layout}; kolonner: {columns}",
        "survey layout: {layout}; columns: {columns}",
    ),
    "ingest_note_subheader": (
        "sprang SurveyMonkeys anden overskriftsrække over (række {row})",
        "skipped SurveyMonkey's second header row (row {row})",
    ),
    "ingest_note_survey_dates": (
        "svarenes datoer læst som {format}",
        "survey dates read as {format}",
    ),
    "ingest_survey_one_to_ten": (
        "kolonnen '{column}' ligner en skala fra 1 til 10, ikke NPS (0–10): {count} svar, "
        "intet 0, {ones} svar med 1 og {tens} med 10",
        "column '{column}' looks like a 1-to-10 scale, not NPS (0–10): {count} answers, "
        "no 0, {ones} answers of 1 and {tens} of 10",
    ),
    "ingest_survey_one_to_ten_hint": (
        "er det alligevel 0–10 (ingen valgte 0)? Sig det med --map scale=0-10 "
        '(eller scale = "0-10" under [mapping] i kunde.toml)',
        "is it 0–10 after all (nobody chose 0)? Say so with --map scale=0-10 "
        '(or scale = "0-10" under [mapping] in kunde.toml)',
    ),
    "ingest_survey_scale_unknown": (
        "--map scale={given}: kunde læser kun NPS-skalaen 0-10",
        "--map scale={given}: kunde reads only the NPS scale 0-10",
    ),
    "ingest_survey_scale_hint": (
        "skriv --map scale=0-10, når svarene er 0–10 uden et eneste 0",
        "write --map scale=0-10 when the answers are 0–10 without a single 0",
    ),
    "ingest_note_qualtrics_rows": (
        "sprang Qualtrics' ekstra overskriftsrækker over (række {rows})",
        "skipped Qualtrics' extra header rows (row {rows})",
    ),
    "ingest_note_survey_unix_time": (
        "svarenes datoer i '{column}' læst som Unix-tid (sekunder siden 1-1-1970, UTC)",
        "survey dates in '{column}' read as Unix time (seconds since 1970-01-01, UTC)",
    ),
    "ingest_note_survey_no_date": (
        "ingen datokolonne: svarene har ingen dato (ingen udvikling pr. måned)",
        "no date column: answers have no date (no trend by month)",
    ),
    "survey_note_order_ids": (
        "{n} svar nævner et ordrenummer (kolonnen '{column}'): de kobles til ordrens kunde",
        "{n} answers name an order number (column '{column}'): they are linked to the "
        "order's customer",
    ),
    "survey_order_unknown": (
        "{n} svar nævner et ordrenummer, der ikke findes i ordrerne: de er koblet på "
        "kundenummer eller e-mail, hvor svaret har et",
        "{n} answers name an order number that is not in the orders: they are linked by "
        "customer number or e-mail where the answer has one",
    ),
    "survey_order_ambiguous": (
        "{n} svar nævner et ordrenummer, som flere butikssystemer bruger til hver sin "
        "kunde: de er koblet på kundenummer eller e-mail, hvor svaret har et",
        "{n} answers name an order number that several shop systems use for different "
        "customers: they are linked by customer number or e-mail where the answer has one",
    ),
    # --- why a row was refused: reject_<code> (the code is the rejects file's reason_code) ---
    "reject_extra_fields": (
        "rækken har flere felter end overskriften",
        "row has more fields than the header",
    ),
    "reject_no_date": ("ingen dato", "no date"),
    "reject_not_a_date": ("ikke en dato", "not a date"),
    "reject_date_out_of_range": ("dato uden for 1990–2099", "date outside 1990–2099"),
    "reject_date_in_future": (
        "dato efter i dag (--allow-future beholder den)",
        "date is after today (--allow-future keeps it)",
    ),
    "reject_no_amount": ("intet beløb", "no amount"),
    "reject_not_an_amount": ("ikke et beløb", "not an amount"),
    "reject_amount_too_large": (
        "beløb over 1 000 000 000 000 (en tastefejl?)",
        "amount above 1 000 000 000 000 (a typo?)",
    ),
    "reject_score_empty": ("scoren er tom", "score is empty"),
    "reject_score_not_a_number": ("scoren er ikke et tal", "score is not a number"),
    "reject_score_not_whole": ("scoren er ikke et helt tal", "score is not a whole number"),
    "reject_score_out_of_range": ("scoren er uden for 0–10", "score is outside 0–10"),
    "reject_order_number_taken": (
        "ordrenummeret bruges allerede af en anden ordre (en anden kunde eller dato); et "
        "andet shopsystem? kunde ingest FIL --source NAVN",
        "order number already used by another order (another customer or date); another "
        "shop system? kunde ingest FILE --source NAME",
    ),
}
