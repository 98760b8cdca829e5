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
        'create or replace table landing.landing_rejected_lines (source_system varchar, source_table varchar,'
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
            {{ exceptions.raise_compiler_error(
                'source ' ~ table.source_system ~ '.' ~ table.source_table ~ ': no landing file matches '
                ~ table.glob ~ ' (RAW_DATA_DIR is ' ~ root ~ ')'
            ) }}
        {%- endif -%}
        {%- do inventory.extend(_duckdb_load_landing_table(table, files)) -%}
    {%- endfor -%}
    {%- for file in all_files if file not in claimed -%}
        {%- do exceptions.warn('landing file ' ~ file ~ ' is read by no source (listed as ignored in audit_landing_files)') -%}
        {%- do inventory.append({'file': file, 'status': 'ignored', 'reason': 'no source reads this file name'}) -%}
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

{#- Decoding and header of each file, from its bytes (read_blob never fails on a file). -#}
{% macro _duckdb_landing_file_facts(files) -%}
    {%- set quoted = [] -%}
    {%- for file in files %}{% do quoted.append(string_literal(file)) %}{% endfor -%}
    {%- set rows = run_query(
        'select filename, try(decode(content)) is not null as is_utf8,'
        ~ ' case when try(decode(content)) is null then regexp_matches(content::varchar, \'\\\\x[89][0-9A-F]\') end as has_c1,'
        ~ ' case when try(decode(content)) is null then (length(content::varchar) - length(replace(content::varchar, \'\\x0A\', \'\'))) // 4 end as line_feeds,'
        ~ ' (content[1:65536])::varchar as head'
        ~ ' from read_blob([' ~ quoted | join(', ') ~ '])'
    ) -%}
    {%- set facts = {} -%}
    {%- for row in rows -%}
        {%- set first_line = modules.re.sub('^\\\\xEF\\\\xBB\\\\xBF', '', row[4]).split('\\x0A')[0] -%}
        {%- set first_line = modules.re.sub('(\\\\x0D)+$', '', first_line) -%}
        {%- set header = [] -%}
        {%- for field in modules.re.findall('(?:^|,)("(?:[^"]|"")*"|[^,]*)', first_line) -%}
            {%- do header.append(field[1:-1].replace('""', '"') if field.startswith('"') and field.endswith('"') and field | length > 1 else field) -%}
        {%- endfor -%}
        {%- do facts.update({row[0]: {
            'encoding': 'utf-8' if row[1] else ('latin-1' if not row[2] else none),
            'line_feeds': row[3],
            'header': header,
        }}) -%}
    {%- endfor -%}
    {{ return(facts) }}
{%- endmacro %}

{#- Creates the source relation of one landing table from its files; returns their inventory rows. -#}
{% macro _duckdb_load_landing_table(table, files) -%}
    {%- set relation = table.relation -%}
    {%- set facts = _duckdb_landing_file_facts(files) -%}
    {%- set control = "'[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]'" -%}
    {%- set inventory = [] -%}
    {%- set readable = [] -%}
    {%- for file in files -%}
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
        {%- if row.status == 'quarantined' -%}
            {%- do exceptions.warn('landing file ' ~ file ~ ' quarantined: ' ~ row.reason) -%}
        {%- endif -%}
        {%- do inventory.append(row) -%}
    {%- endfor -%}
    {%- do run_query('create schema if not exists ' ~ relation.without_identifier()) -%}
    {#- the relation is a view for JSON Lines and a table for CSV: drop what is there -#}
    {%- do _duckdb_drop_if_exists(relation.schema, relation.identifier) -%}
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
                ~ string_literal(facts[file].encoding) ~ ')'
            ) -%}
        {%- endfor -%}
        {%- do run_query('create view ' ~ relation ~ ' as ' ~ selects | join('\nunion all\n')) -%}
    {%- else -%}
        {%- set columns = [] -%}
        {%- for column in table.columns %}{% do columns.append(adapter.quote(column) ~ ' varchar') %}{% endfor -%}
        {%- do run_query('create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ', filename varchar)') -%}
        {%- for row in inventory if row.file in readable -%}
            {%- do _duckdb_load_csv_file(table, row.file, facts[row.file], control, row) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(inventory) }}
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
    {%- set newlines = [] -%}
    {%- for column in fact.header -%}
        {%- do newlines.append('coalesce(length(' ~ adapter.quote(column) ~ ') - length(replace(' ~ adapter.quote(column) ~ ', chr(10), \'\')), 0)') -%}
    {%- endfor -%}
    {%- set counts = run_query(
        'drop table if exists landing_reject_errors; drop table if exists landing_reject_scans;\n'
        ~ 'create or replace temp table landing_file_rows as select * from ' ~ read ~ ';\n'
        ~ 'insert into ' ~ table.relation ~ ' select ' ~ projection | join(', ') ~ ', filename from landing_file_rows;\n'
        ~ 'insert into landing.landing_rejected_lines select ' ~ string_literal(table.source_system) ~ ', '
        ~ string_literal(table.source_table) ~ ', ' ~ string_literal(file) ~ ', line, min(error_type),'
        ~ ' min(error_message), min(csv_line), current_timestamp::timestamp from landing_reject_errors group by line;\n'
        ~ 'select (select count(*) from landing_file_rows) as rows_read,'
        ~ ' (select count(distinct line) from landing_reject_errors) as rejected_lines,'
        ~ ' (select min(line) from landing_reject_errors) as first_rejected_line,'
        ~ ' (select coalesce(sum(' ~ newlines | join(' + ') ~ '), 0) from landing_file_rows) as quoted_line_feeds,'
        ~ ' (select count(line) from read_csv(' ~ string_literal(file) ~ ', ' ~ var('jsonl_reader_options')
        ~ ', encoding = ' ~ string_literal(fact.encoding) ~ ') where trim(line, chr(13)) != \'\') as physical_lines'
    ).rows[0] -%}
    {%- set rows_read, rejected, first_rejected, quoted_line_feeds, physical_lines = counts -%}
    {%- if rows_read + rejected + 1 + quoted_line_feeds < physical_lines -%}
        {{ exceptions.raise_compiler_error(
            'landing file ' ~ file ~ ': line ' ~ (first_rejected or '?') ~ ': ' ~ (physical_lines - rows_read - rejected - 1 - quoted_line_feeds)
            ~ ' line(s) could not be read as CSV rows (an unterminated quote?): fix the file or re-export it'
        ) }}
    {%- endif -%}
    {%- do row.update({'rows_read': rows_read, 'rejected_lines': rejected}) -%}
    {%- if rejected > 0 -%}
        {%- do exceptions.warn('landing file ' ~ file ~ ': ' ~ rejected ~ ' line(s) from line ' ~ first_rejected
                               ~ ' quarantined (not ' ~ fact.header | length ~ ' fields as in the header)') -%}
    {%- endif -%}
{%- endmacro %}

{#- landing.landing_files (a view of literal rows, on every engine): one row per file and its fate. -#}
{% macro _create_landing_files_table(inventory) -%}
    {%- set text_columns = ['file', 'source_system', 'source_table', 'status', 'reason', 'encoding', 'missing_columns', 'extra_columns'] -%}
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
