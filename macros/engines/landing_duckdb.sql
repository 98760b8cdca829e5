{#-
    DuckDB's landing relations (on-run-start, macro create_landing_relations; docs/sources.md).

    Every file under the landing folder is looked at once per run and gets one fate, listed in
    landing.landing_files (model audit_landing_files):
      - read: its rows reach the source relation; rows DuckDB cannot split into the header's fields
        (a ragged row, an unquoted line break in a free-text field) go to landing.landing_rejected_lines
        with file, line and cause, and from there to audit_quarantined_rows;
      - quarantined: the file cannot be decoded (Windows-1252 bytes 0x80-0x9F, which DuckDB cannot
        decode without the encodings extension) or its header names none of the source's columns;
      - ignored: no source reads it (a warning names it).
    A CSV file is read by its own header: a column the source lists but the file lacks is NULL for
    that file only (landing_files.missing_columns), a column the source does not list is left out
    (extra_columns). A file that is not UTF-8 but has no byte 0x80-0x9F reads the same as Latin-1
    and Windows-1252, and is decoded as Latin-1. Control characters (NUL and the other C0 codes
    except tab, line feed and carriage return) are removed from every field. The build stops, with
    one line naming the file, when a source table matches no file, or when a CSV file's rows cannot
    be accounted for (an unterminated quote swallows the rest of the file).

    Cost (docs/benchmarks.md): each file is read as a stream, never held whole in memory; only a file
    with lines that are not UTF-8 has its bytes read to choose Latin-1 or quarantine. A file unchanged
    since it was last looked at (same path, size, modification time and source definition, recorded
    in landing.landing_file_cache) is not read again: a CSV file's rows and rejected lines stay in
    their tables, a JSON Lines file keeps its recorded fate. Delete that table to force a re-read.
-#}
{% macro duckdb__create_landing_relations(tables) -%}
    {%- set root = landing_root() -%}
    {%- do run_query('create schema if not exists landing') -%}
    {%- do _duckdb_drop_if_exists('landing', 'landing_files') -%}
    {%- set all_files = [] -%}
    {%- for file in run_query('select file from glob(' ~ string_literal(root ~ '/**') ~ ') order by file').columns[0].values() -%}
        {#- hidden files and folders (the demo generator's .generated stamp) are not landing files -#}
        {%- if not modules.re.search('/[.]', file[root | length:]) -%}
            {%- do all_files.append(file) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set inventory = [] -%}
    {%- set claimed = [] -%}
    {%- do run_query(
        'create table if not exists landing.landing_file_cache (source_system varchar, source_table varchar,'
        ~ ' file varchar, size bigint, modified timestamp with time zone, signature varchar,'
        ~ ' loaded_at timestamp with time zone, status varchar, reason varchar, encoding varchar,'
        ~ ' missing_columns varchar, extra_columns varchar, rows_read bigint, rejected_lines bigint, raw_lines bigint)'
    ) -%}
    {%- do run_query(
        'create table if not exists landing.landing_rejected_lines (source_system varchar, source_table varchar,'
        ~ ' source_file varchar, source_line bigint, error_type varchar, error_message varchar, raw_line varchar,'
        ~ ' checked_at timestamp)'
    ) -%}
    {%- for table in tables -%}
        {%- set folder, pattern = table.glob.rsplit('/', 1) -%}
        {%- set file_regex = '^' ~ modules.re.escape(folder ~ '/') ~ modules.re.escape(pattern).replace('\\*', '[^/]*').replace('\\?', '[^/]') ~ '$' -%}
        {%- set files = [] -%}
        {%- for file in all_files if modules.re.match(file_regex, file) -%}
            {%- do files.append(file) -%}
            {%- do claimed.append(file) -%}
        {%- endfor -%}
        {%- if files | length == 0 -%}
            {#- a system the organisation does not use has no files in its folder: built empty, with a
                warning; a landing folder without any file (a wrong RAW_DATA_DIR), or a system's folder
                whose files all miss the table's pattern, stops the build -#}
            {%- set in_folder = [] -%}
            {%- for file in all_files if file.startswith(folder ~ '/') -%}{%- do in_folder.append(file) -%}{%- endfor -%}
            {%- if all_files | length == 0 or in_folder | length > 0 -%}
                {{ exceptions.raise_compiler_error(
                    'source ' ~ table.source_system ~ '.' ~ table.source_table ~ ': no landing file matches '
                    ~ table.glob ~ ' (RAW_DATA_DIR is ' ~ root ~ ')'
                ) }}
            {%- endif -%}
            {%- do exceptions.warn(
                'source ' ~ table.source_system ~ '.' ~ table.source_table ~ ': no file under ' ~ folder
                ~ '/, so it is built empty (a system this organisation does not use)'
            ) -%}
            {%- do _duckdb_empty_landing_table(table) -%}
        {%- else -%}
            {%- do inventory.extend(_duckdb_load_landing_table(table, files)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for file in all_files if file not in claimed -%}
        {%- do exceptions.warn('landing file ' ~ file ~ ' is read by no source (listed as ignored in audit_landing_files)') -%}
        {%- do inventory.append({'file': file, 'status': 'ignored', 'reason': 'no source reads this file name'}) -%}
    {%- endfor -%}
    {#- what is recorded for a source table no longer defined goes -#}
    {%- set defined = [] -%}
    {%- for table in tables %}{% do defined.append(string_literal(table.source_system ~ '.' ~ table.source_table)) %}{% endfor -%}
    {%- for recorded in ['landing_file_cache', 'landing_rejected_lines'] -%}
        {%- do run_query('delete from landing.' ~ recorded ~ ' where not list_contains([' ~ defined | join(', ')
                         ~ ']::varchar[], source_system || \'.\' || source_table)') -%}
    {%- endfor -%}
    {%- do _create_landing_files_table(inventory) -%}
{%- endmacro %}

{% macro _duckdb_drop_if_exists(schema, identifier) -%}
    {%- set existing = run_query(
        'select table_type from information_schema.tables where table_catalog = current_database()'
        ~ ' and table_schema = ' ~ string_literal(schema) ~ ' and table_name = ' ~ string_literal(identifier)
    ).columns[0].values() -%}
    {%- for table_type in existing -%}
        {%- do run_query('drop ' ~ ('view' if table_type == 'VIEW' else 'table') ~ ' ' ~ schema ~ '.' ~ identifier) -%}
    {%- endfor -%}
{%- endmacro %}

{#- Decoding, line count and header of each file. One streaming pass over all the files reads them
    as UTF-8 lines (store_rejects: a line that is not UTF-8 is an INVALID ENCODING reject, not an
    error) and counts the non-empty ones; only a file with such a reject has its bytes looked at
    (read_blob) to tell Latin-1 from Windows-1252; the header is the first line, read with a limit. -#}
{% macro _duckdb_landing_file_facts(files) -%}
    {%- set quoted = [] -%}
    {%- for file in files %}{% do quoted.append(string_literal(file)) %}{% endfor -%}
    {%- set file_list = '[' ~ quoted | join(', ') ~ ']' -%}
    {%- set rows = run_query(
        'drop table if exists landing_probe_errors; drop table if exists landing_probe_scans;\n'
        ~ 'create or replace temp table landing_probe as select filename,'
        ~ ' count(*) filter (where trim(line, chr(13)) != \'\') as physical_lines'
        ~ ' from read_csv(' ~ file_list ~ ', ' ~ var('jsonl_reader_options') ~ ', encoding = \'utf-8\','
        ~ ' store_rejects = true, rejects_table = \'landing_probe_errors\', rejects_scan = \'landing_probe_scans\')'
        ~ ' group by filename;\n'
        ~ 'select files.file, coalesce(landing_probe.physical_lines, 0),'
        ~ ' exists (select 1 from landing_probe_errors as errors inner join landing_probe_scans as scans'
        ~ ' on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id'
        ~ ' where scans.file_path = files.file and errors.error_type = \'INVALID ENCODING\') as not_utf8'
        ~ ' from unnest(' ~ file_list ~ ') as files (file) left join landing_probe on landing_probe.filename = files.file'
    ) -%}
    {%- set facts = {} -%}
    {%- set not_utf8 = [] -%}
    {%- for row in rows -%}
        {%- do facts.update({row[0]: {'encoding': 'utf-8', 'line_feeds': none, 'physical_lines': row[1], 'header': []}}) -%}
        {%- if row[2] %}{% do not_utf8.append(string_literal(row[0])) %}{% endif -%}
    {%- endfor -%}
    {%- if not_utf8 -%}
        {%- for row in run_query(
            'select filename, regexp_matches(content::varchar, \'\\\\x[89][0-9A-F]\'),'
            ~ ' (length(content::varchar) - length(replace(content::varchar, \'\\x0A\', \'\'))) // 4'
            ~ ' from read_blob([' ~ not_utf8 | join(', ') ~ '])'
        ) -%}
            {%- do facts[row[0]].update({'encoding': none if row[1] else 'latin-1', 'line_feeds': row[2]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for file in files if facts[file].encoding is not none -%}
        {%- set read_lines = 'read_csv(' ~ string_literal(file) ~ ', ' ~ var('jsonl_reader_options')
            ~ ', encoding = ' ~ string_literal(facts[file].encoding) ~ ')' -%}
        {%- set result = run_query(
            'select (select line from ' ~ read_lines ~ ' limit 1),'
            ~ (' (select count(*) filter (where trim(line, chr(13)) != \'\') from ' ~ read_lines ~ ')'
               if facts[file].encoding != 'utf-8' else ' null')
        ).rows[0] -%}
        {%- set first_line = modules.re.sub('^\\ufeff', '', result[0] or '') -%}
        {%- set first_line = modules.re.sub('\\r+$', '', first_line) -%}
        {%- set header = [] -%}
        {%- for field in modules.re.findall('(?:^|,)("(?:[^"]|"")*"|[^,]*)', first_line) -%}
            {%- do header.append(field[1:-1].replace('""', '"') if field.startswith('"') and field.endswith('"') and field | length > 1 else field) -%}
        {%- endfor -%}
        {%- do facts[file].update({'header': header}) -%}
        {%- if result[1] is not none %}{% do facts[file].update({'physical_lines': result[1]}) %}{% endif -%}
    {%- endfor -%}
    {{ return(facts) }}
{%- endmacro %}

{#- Creates the source relation of one landing table from its files; returns their inventory rows. -#}
{% macro _duckdb_load_landing_table(table, files) -%}
    {%- set relation = table.relation -%}
    {%- set control = "'[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]'" -%}
    {%- set signature = table.format ~ '|' ~ table.columns | join(',') ~ '|' ~ var('csv_reader_options') ~ '|' ~ var('jsonl_reader_options') -%}
    {%- set known = _duckdb_landing_unchanged_files(table, files, signature) -%}
    {#- each file's fingerprint for the base models (macro changed_landing_files): size and
        modification time as snapshotted before the read; NULL when modified within 2 s of that look
        (the time is to the second: a rewrite in that second would keep both) -#}
    {%- set fingerprints = {} -%}
    {%- for stats in run_query(
        'select file, case when modified < checked_at - interval 2 second then size || \' bytes, modified \''
        ~ ' || strftime(modified at time zone \'UTC\', \'%Y-%m-%d %H:%M:%S UTC\') end from landing_file_stats'
    ) -%}
        {%- do fingerprints.update({stats[0]: stats[1]}) -%}
    {%- endfor -%}
    {%- set facts = _duckdb_landing_file_facts(files | reject('in', known) | list) if (files | reject('in', known) | list) else {} -%}
    {%- set inventory = [] -%}
    {%- set readable = [] -%}
    {%- for file in files -%}
        {%- if file in known -%}
            {%- set row = known[file] -%}
            {%- if row.status == 'read' %}{% do readable.append(file) %}{% endif -%}
        {%- else -%}
        {%- set fact = facts[file] -%}
        {%- set row = {'file': file, 'source_system': table.source_system, 'source_table': table.source_table,
                       'status': 'read', 'encoding': fact.encoding} -%}
        {%- if fact.encoding is none -%}
            {%- do row.update({'status': 'quarantined', 'raw_lines': fact.line_feeds,
                'reason': 'not UTF-8, and bytes 0x80-0x9F make it Windows-1252 or another code page'
                          ~ ' DuckDB cannot decode offline: re-export as UTF-8'}) -%}
        {%- elif table.format == 'csv' and (fact.header | select('in', table.columns) | list | length) == 0 -%}
            {%- do row.update({'status': 'quarantined',
                'reason': 'its header names none of the columns of ' ~ table.source_system ~ '.' ~ table.source_table}) -%}
        {%- elif table.format == 'csv' and (fact.header | unique | list | length) != (fact.header | length) -%}
            {%- do row.update({'status': 'quarantined', 'reason': 'its header names a column twice'}) -%}
        {%- else -%}
            {%- if table.format == 'csv' -%}
                {%- do row.update({
                    'missing_columns': table.columns | reject('in', fact.header) | join(', ') or none,
                    'extra_columns': fact.header | reject('in', table.columns) | join(', ') or none,
                }) -%}
            {%- endif -%}
            {%- do readable.append(file) -%}
        {%- endif -%}
        {%- endif -%}
        {%- if row.status == 'quarantined' -%}
            {%- do exceptions.warn('landing file ' ~ file ~ ' quarantined: ' ~ row.reason) -%}
        {%- endif -%}
        {%- do row.update({'fingerprint': fingerprints.get(file)}) -%}
        {%- do inventory.append(row) -%}
    {%- endfor -%}
    {%- do run_query('create schema if not exists ' ~ relation.without_identifier()) -%}
    {#- the relation is a view for JSON Lines and a table for CSV: drop what is there, except a CSV
        table whose unchanged files are kept (their rows and rejected lines stay, the rest go) -#}
    {%- set kept = [] -%}
    {%- for file in readable if file in known and table.format == 'csv' %}{% do kept.append(string_literal(file)) %}{% endfor -%}
    {%- set kept_list = '[' ~ kept | join(', ') ~ ']' if kept else '[]::varchar[]' -%}
    {%- do run_query(
        'delete from landing.landing_rejected_lines where source_system = ' ~ string_literal(table.source_system)
        ~ ' and source_table = ' ~ string_literal(table.source_table) ~ ' and not list_contains(' ~ kept_list ~ ', source_file)'
    ) -%}
    {%- if kept -%}
        {%- do run_query('delete from ' ~ relation ~ ' where not list_contains(' ~ kept_list ~ ', filename)') -%}
    {%- else -%}
        {%- do _duckdb_drop_if_exists(relation.schema, relation.identifier) -%}
    {%- endif -%}
    {%- if table.format == 'jsonl' -%}
        {%- set selects = ['select cast(null as varchar) as line, cast(null as varchar) as filename where false'] -%}
        {%- for file in readable -%}
            {#- control characters removed, raw and as JSON escapes (\u0000): an escaped backslash
                is set aside first (chr(1), itself removed as raw) so that \\u0000 stays text -#}
            {%- set without_raw = 'regexp_replace(line, ' ~ control ~ ', \'\', \'g\')' -%}
            {%- set without_escaped = 'replace(regexp_replace(replace(' ~ without_raw ~ ', \'\\\\\', chr(1)),'
                ~ ' \'\\\\u00(0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])\', \'\', \'g\'), chr(1), \'\\\\\')' -%}
            {%- do selects.append(
                'select ' ~ without_escaped ~ ' as line, filename from read_csv('
                ~ string_literal(file) ~ ', ' ~ var('jsonl_reader_options') ~ ', encoding = '
                ~ string_literal(inventory | selectattr('file', 'equalto', file) | map(attribute='encoding') | first) ~ ')'
            ) -%}
        {%- endfor -%}
        {%- do run_query('create view ' ~ relation ~ ' as ' ~ selects | join('\nunion all\n')) -%}
    {%- else -%}
        {%- set columns = [] -%}
        {%- for column in table.columns %}{% do columns.append(adapter.quote(column) ~ ' varchar') %}{% endfor -%}
        {%- if not kept -%}
            {%- do run_query('create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ', filename varchar)') -%}
        {%- endif -%}
        {%- for row in inventory if row.file in readable and row.file not in known -%}
            {%- do _duckdb_load_csv_file(table, row.file, facts[row.file], control, row) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for row in inventory if row.file in known and row.rejected_lines -%}
        {%- do exceptions.warn('landing file ' ~ row.file ~ ': ' ~ row.rejected_lines ~ ' line(s) quarantined (unchanged since it was loaded)') -%}
    {%- endfor -%}
    {%- do _duckdb_record_landing_files(table, files, inventory, known, signature) -%}
    {{ return(inventory) }}
{%- endmacro %}

{#- The files of one landing table unchanged since they were last looked at, as {file: landing_files
    row}: same path, size, modification time and source definition (columns, reader options) as
    recorded in landing.landing_file_cache, modified at least 2 s before that look (the time stamp is
    to the second: a file rewritten within the second it was read is looked at again), and, for
    CSV, the landing table still there. Snapshots the files' size and time in landing_file_stats. -#}
{% macro _duckdb_landing_unchanged_files(table, files, signature) -%}
    {%- set quoted = [] -%}
    {%- for file in files %}{% do quoted.append(string_literal(file)) %}{% endfor -%}
    {%- do run_query(
        'create or replace temp table landing_file_stats as select filename as file, size, last_modified as modified,'
        ~ ' current_timestamp as checked_at from read_blob([' ~ quoted | join(', ') ~ '])'
    ) -%}
    {%- set table_kept = table.format != 'csv' or run_query(
        'select count(*) from information_schema.tables where table_catalog = current_database()'
        ~ ' and table_schema = ' ~ string_literal(table.relation.schema) ~ ' and table_name = '
        ~ string_literal(table.relation.identifier) ~ ' and table_type = \'BASE TABLE\''
    ).rows[0][0] > 0 -%}
    {%- set known = {} -%}
    {%- if table_kept -%}
        {%- for row in run_query(
            'select cache.file, cache.status, cache.reason, cache.encoding, cache.missing_columns, cache.extra_columns,'
            ~ ' cache.rows_read, cache.rejected_lines, cache.raw_lines'
            ~ ' from landing_file_stats as stats inner join landing.landing_file_cache as cache'
            ~ ' on cache.file = stats.file and cache.size = stats.size and cache.modified = stats.modified'
            ~ ' where cache.source_system = ' ~ string_literal(table.source_system)
            ~ ' and cache.source_table = ' ~ string_literal(table.source_table)
            ~ ' and cache.signature = ' ~ string_literal(signature)
            ~ ' and stats.modified < cache.loaded_at - interval 2 second'
        ) -%}
            {%- do known.update({row[0]: {'file': row[0], 'source_system': table.source_system, 'source_table': table.source_table,
                'status': row[1], 'reason': row[2], 'encoding': row[3], 'missing_columns': row[4], 'extra_columns': row[5],
                'rows_read': row[6], 'rejected_lines': row[7], 'raw_lines': row[8]}}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(known) }}
{%- endmacro %}

{#- Records the fate of one landing table's files in landing.landing_file_cache, with the size and
    time snapshotted before they were read (a file rewritten since is looked at again next time). -#}
{% macro _duckdb_record_landing_files(table, files, inventory, known, signature) -%}
    {%- set values = [] -%}
    {%- for row in inventory -%}
        {%- set texts = [] -%}
        {%- for column in ['file', 'status', 'reason', 'encoding', 'missing_columns', 'extra_columns'] -%}
            {%- do texts.append(string_literal(row.get(column)) if row.get(column) is not none else 'null') -%}
        {%- endfor -%}
        {%- set numbers = [] -%}
        {%- for column in ['rows_read', 'rejected_lines', 'raw_lines'] -%}
            {%- do numbers.append('cast(' ~ (row.get(column) if row.get(column) is not none else 'null') ~ ' as bigint)') -%}
        {%- endfor -%}
        {%- do values.append('(' ~ texts | join(', ') ~ ', ' ~ numbers | join(', ') ~ ', ' ~ (row.file in known) ~ ')') -%}
    {%- endfor -%}
    {%- set this_table = 'source_system = ' ~ string_literal(table.source_system) ~ ' and source_table = ' ~ string_literal(table.source_table) -%}
    {%- do run_query(
        'create or replace temp table landing_cache_before as select * from landing.landing_file_cache where ' ~ this_table ~ ';\n'
        ~ 'delete from landing.landing_file_cache where ' ~ this_table ~ ';\n'
        ~ 'insert into landing.landing_file_cache select ' ~ string_literal(table.source_system) ~ ', '
        ~ string_literal(table.source_table) ~ ', fates.file, stats.size, stats.modified, ' ~ string_literal(signature) ~ ','
        ~ ' case when fates.reused then before.loaded_at else stats.checked_at end, fates.status, fates.reason,'
        ~ ' fates.encoding, fates.missing_columns, fates.extra_columns, fates.rows_read, fates.rejected_lines, fates.raw_lines'
        ~ ' from (values ' ~ values | join(', ') ~ ') as fates (file, status, reason, encoding, missing_columns,'
        ~ ' extra_columns, rows_read, rejected_lines, raw_lines, reused)'
        ~ ' inner join landing_file_stats as stats on stats.file = fates.file'
        ~ ' left join landing_cache_before as before on before.file = fates.file'
    ) -%}
{%- endmacro %}

{#- Appends one CSV file to its landing table by its own header, and its unreadable lines to
    landing.landing_rejected_lines; stops when rows are unaccounted for. -#}
{% macro _duckdb_load_csv_file(table, file, fact, control, row) -%}
    {%- set header_types = [] -%}
    {%- for column in fact.header %}{% do header_types.append(string_literal(column) ~ ': \'VARCHAR\'') %}{% endfor -%}
    {%- set projection = [] -%}
    {%- for column in table.columns -%}
        {%- if column in fact.header -%}
            {%- do projection.append('regexp_replace(' ~ adapter.quote(column) ~ ', ' ~ control ~ ', \'\', \'g\')') -%}
        {%- else -%}
            {%- do projection.append('cast(null as varchar)') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set read = 'read_csv(' ~ string_literal(file) ~ ', ' ~ var('csv_reader_options') ~ ', columns = {'
        ~ header_types | join(', ') ~ '}, encoding = ' ~ string_literal(fact.encoding)
        ~ ', filename = true, store_rejects = true, rejects_table = \'landing_reject_errors\','
        ~ ' rejects_scan = \'landing_reject_scans\')' -%}
    {#- straight into the landing table (no copy held in memory); a file with more non-empty physical
        lines than rows, rejects and header is read again to count the line feeds inside quoted fields -#}
    {%- set counts = run_query(
        'drop table if exists landing_reject_errors; drop table if exists landing_reject_scans;\n'
        ~ 'insert into ' ~ table.relation ~ ' select ' ~ projection | join(', ') ~ ', filename from ' ~ read ~ ';\n'
        ~ 'insert into landing.landing_rejected_lines select ' ~ string_literal(table.source_system) ~ ', '
        ~ string_literal(table.source_table) ~ ', ' ~ string_literal(file) ~ ', line, min(error_type),'
        ~ ' min(error_message), min(csv_line), current_timestamp::timestamp from landing_reject_errors group by line;\n'
        ~ 'select (select count(*) from ' ~ table.relation ~ ' where filename = ' ~ string_literal(file) ~ ') as rows_read,'
        ~ ' (select count(distinct line) from landing_reject_errors) as rejected_lines,'
        ~ ' (select min(line) from landing_reject_errors) as first_rejected_line'
    ).rows[0] -%}
    {%- set rows_read, rejected, first_rejected = counts -%}
    {%- set physical_lines = fact.physical_lines -%}
    {%- if rows_read + rejected + 1 < physical_lines -%}
        {%- set newlines = [] -%}
        {%- for column in fact.header -%}
            {%- do newlines.append('coalesce(length(' ~ adapter.quote(column) ~ ') - length(replace(' ~ adapter.quote(column) ~ ', chr(10), \'\')), 0)') -%}
        {%- endfor -%}
        {%- set quoted_line_feeds = run_query(
            'select coalesce(sum(' ~ newlines | join(' + ') ~ '), 0) from '
            ~ read.replace('landing_reject_errors', 'landing_recount_errors').replace('landing_reject_scans', 'landing_recount_scans')
        ).rows[0][0] -%}
        {%- if rows_read + rejected + 1 + quoted_line_feeds < physical_lines -%}
            {{ exceptions.raise_compiler_error(
                'landing file ' ~ file ~ ': line ' ~ (first_rejected or '?') ~ ': ' ~ (physical_lines - rows_read - rejected - 1 - quoted_line_feeds)
                ~ ' line(s) could not be read as CSV rows (an unterminated quote?): fix the file or re-export it'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- do row.update({'rows_read': rows_read, 'rejected_lines': rejected}) -%}
    {%- if rejected > 0 -%}
        {%- do exceptions.warn('landing file ' ~ file ~ ': ' ~ rejected ~ ' line(s) from line ' ~ first_rejected
                               ~ ' quarantined (not ' ~ fact.header | length ~ ' fields as in the header)') -%}
    {%- endif -%}
{%- endmacro %}

{#- landing.landing_files (a view of literal rows, on every engine): one row per file and its fate. -#}
{% macro _create_landing_files_table(inventory) -%}
    {%- set text_columns = ['file', 'source_system', 'source_table', 'status', 'reason', 'encoding', 'missing_columns', 'extra_columns',
                           'fingerprint'] -%}
    {%- set number_columns = ['rows_read', 'rejected_lines', 'raw_lines'] -%}
    {%- set checked_at = 'cast(' ~ string_literal(modules.datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M:%S'))
        ~ ' as ' ~ dbt.type_timestamp() ~ ') as checked_at' -%}
    {%- set selects = [] -%}
    {%- for row in inventory -%}
        {%- set values = [] -%}
        {%- for column in text_columns -%}
            {%- set value = row.get(column) -%}
            {%- do values.append('cast(' ~ (string_literal(value) if value is not none else 'null') ~ ' as ' ~ dbt.type_string() ~ ') as ' ~ column) -%}
        {%- endfor -%}
        {%- for column in number_columns -%}
            {%- set value = row.get(column) -%}
            {%- do values.append('cast(' ~ (value if value is not none else 'null') ~ ' as ' ~ dbt.type_bigint() ~ ') as ' ~ column) -%}
        {%- endfor -%}
        {%- do values.append(checked_at) -%}
        {%- do selects.append('select ' ~ values | join(', ')) -%}
    {%- endfor -%}
    {%- do run_query('create schema if not exists landing') -%}
    {%- do run_query('drop view if exists landing.landing_files') -%}
    {%- do run_query('create view landing.landing_files as ' ~ selects | join('\nunion all\n')) -%}
{%- endmacro %}

{#- landing.landing_rejected_lines on engines that stop on a line they cannot read (Spark, Postgres):
    an empty view of the same shape. -#}
{% macro _create_empty_rejected_lines() -%}
    {%- set text = dbt.type_string() -%}
    {%- do run_query('create schema if not exists landing') -%}
    {%- do run_query('drop view if exists landing.landing_rejected_lines') -%}
    {%- do run_query(
        'create view landing.landing_rejected_lines as select'
        ~ ' cast(null as ' ~ text ~ ') as source_system, cast(null as ' ~ text ~ ') as source_table,'
        ~ ' cast(null as ' ~ text ~ ') as source_file, cast(null as ' ~ dbt.type_bigint() ~ ') as source_line,'
        ~ ' cast(null as ' ~ text ~ ') as error_type, cast(null as ' ~ text ~ ') as error_message,'
        ~ ' cast(null as ' ~ text ~ ') as raw_line, cast(null as ' ~ dbt.type_timestamp() ~ ') as checked_at'
        ~ ' where 1 = 0'
    ) -%}
{%- endmacro %}

{#- The source relation of a landing table with no file, empty, and nothing recorded of earlier files. -#}
{% macro _duckdb_empty_landing_table(table) -%}
    {%- set relation = table.relation -%}
    {%- set this_table = 'source_system = ' ~ string_literal(table.source_system) ~ ' and source_table = '
        ~ string_literal(table.source_table) -%}
    {%- do run_query('create schema if not exists ' ~ relation.without_identifier()) -%}
    {%- if table.format == 'jsonl' -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- do run_query('create or replace view ' ~ relation
            ~ ' as select cast(null as varchar) as line, cast(null as varchar) as filename where false') -%}
    {%- else -%}
        {%- set columns = [] -%}
        {%- for column in table.columns %}{% do columns.append(adapter.quote(column) ~ ' varchar') %}{% endfor -%}
        {%- do run_query('drop view if exists ' ~ relation) -%}
        {%- do run_query('create or replace table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ', filename varchar)') -%}
    {%- endif -%}
    {%- do run_query('delete from landing.landing_file_cache where ' ~ this_table) -%}
    {%- do run_query('delete from landing.landing_rejected_lines where ' ~ this_table) -%}
{%- endmacro %}
