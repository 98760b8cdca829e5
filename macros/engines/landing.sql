{#-
    Landing files as source relations on every engine (docs/engines.md).

    On DuckDB a source reads its files in place through dbt-duckdb's `external_location`. Other
    engines have no such config, so the on-run-start hook create_landing_relations() makes each
    source table a relation of the same name, shape and content before anything reads it:
      - JSON Lines: one text column `line` per line (a blank line is NULL, as DuckDB reads it);
      - CSV: one text column per header field, named exactly as in the header and listed in the
        same order in the source's YAML; a quoted empty field is NULL, as on DuckDB;
      - plus `filename`, the landing file each row came from.
    Which files: the source table's `config.meta.landing_files`, a glob under env RAW_DATA_DIR
    (default data/raw) that must name the same files as its external_location (a pytest checks it);
    the format follows the extension (.jsonl or .csv).

    Spark: an external table over the files (`<table>__landing`, text or csv, FAILFAST: a file it
    cannot parse stops the query, naming the file) and a view `<table>` adding the file name.
    Postgres: a table loaded with COPY from the server's file system (files listed with pg_ls_dir);
    RAW_DATA_DIR must be an absolute path the server can read, and the user needs
    pg_read_server_files (or superuser). On both, every file of a CSV glob must have the header the
    YAML lists, in that order (DuckDB combines files by column name): another header stops the
    build with the engine's message naming the file.
-#}
{% macro create_landing_relations() -%}
    {%- if execute and _command_reads_landing() -%}
        {%- do adapter.dispatch('create_landing_relations', 'customer_warehouse')(_landing_tables()) -%}
    {%- endif -%}
{%- endmacro %}

{#- Whether this command reads the landing files: a selected node depends on a landing source (a base
    model, or a test such as rows_accounted_for) or on what the hook writes (source `landing`). `dbt seed`, `dbt docs generate`, or a run of models
    downstream of staging need no landing files, so they neither read nor require them. -#}
{% macro _command_reads_landing() -%}
    {%- if flags.WHICH in ['generate', 'compile', 'parse', 'list', 'ls'] -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set landing_sources = [] -%}
    {%- for node in graph.sources.values()
        if (node.config.meta or {}).get('landing_files') or node.source_name == 'landing' -%}
        {%- do landing_sources.append(node.unique_id) -%}
    {%- endfor -%}
    {%- for unique_id in selected_resources -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node and (node.depends_on.nodes | select('in', landing_sources) | list | length) > 0 -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#-
    landing_root(): env RAW_DATA_DIR (default data/raw) as an absolute path with forward slashes.
    A relative path is resolved against the working directory dbt was started in (env PWD), so no
    engine resolves it against its own (a Spark Connect server's relative path matched no file and
    every model ran "OK" with 0 rows). A URI (s3a://, abfss://, dbfs:/) is kept as it is.
-#}
{% macro landing_root() -%}
    {%- set raw_dir = env_var('RAW_DATA_DIR', 'data/raw') | replace('\\', '/') -%}
    {%- if modules.re.match('^([a-zA-Z][a-zA-Z0-9+.-]*:|/)', raw_dir) -%}
        {{ return(raw_dir.rstrip('/')) }}
    {%- endif -%}
    {%- set cwd = env_var('PWD', '') | replace('\\', '/') -%}
    {%- if not cwd.startswith('/') and not modules.re.match('^[a-zA-Z]:/', cwd) -%}
        {{ exceptions.raise_compiler_error(
            'RAW_DATA_DIR is the relative path ' ~ raw_dir ~ ' and the working directory is unknown (env PWD):'
            ~ ' set RAW_DATA_DIR to an absolute path'
        ) }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for part in (cwd.rstrip('/') ~ '/' ~ raw_dir).split('/') -%}
        {%- if part == '..' and parts | length > 1 -%}
            {%- do parts.pop() -%}
        {%- elif part not in ['.', ''] or loop.first -%}
            {%- do parts.append(part) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(parts | join('/')) }}
{%- endmacro %}

{#- The source tables that land as files: [{relation, glob, format, columns}] in name order. -#}
{% macro _landing_tables() -%}
    {%- set raw_dir = landing_root() -%}
    {%- set tables = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- set files = (node.config.meta or {}).get('landing_files') -%}
        {%- if files -%}
            {%- set format = 'jsonl' if files.endswith('.jsonl') else 'csv' if files.endswith('.csv') else none -%}
            {%- if format is none -%}
                {{ exceptions.raise_compiler_error(
                    'source ' ~ node.source_name ~ '.' ~ node.name ~ ': landing_files must end in .jsonl or .csv'
                ) }}
            {%- endif -%}
            {%- do tables.append({
                'relation': api.Relation.create(database=node.database, schema=node.schema, identifier=node.identifier),
                'glob': raw_dir.rstrip('/') ~ '/' ~ files,
                'source_system': node.source_name,
                'source_table': node.name,
                'format': format,
                'columns': node.columns.keys() | reject('equalto', 'filename') | list,
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}

{% macro spark__create_landing_relations(tables) -%}
    {%- for table in tables -%}
        {%- set relation = table.relation -%}
        {%- set files = relation.incorporate(path={'identifier': relation.identifier ~ '__landing'}) -%}
        {%- do adapter.create_schema(relation) -%}
        {#- external tables (a path option): dropping one never deletes the files -#}
        {%- do run_query('drop view if exists ' ~ relation) -%}
        {%- do run_query('drop table if exists ' ~ files) -%}
        {%- set file_name = "regexp_replace(_metadata.file_path, '^file:(//)?', '')" -%}
        {#- the folder as the location and the file pattern as a filter (a glob as the location
            makes Spark log a missing file when the table is dropped) -#}
        {%- set folder, pattern = table.glob.rsplit('/', 1) -%}
        {%- set location = 'path ' ~ string_literal(folder) ~ ', pathGlobFilter ' ~ string_literal(pattern) -%}
        {%- if table.format == 'jsonl' -%}
            {%- do run_query('create table ' ~ files ~ ' (value string) using text options (' ~ location ~ ')') -%}
            {%- do run_query(
                'create view ' ~ relation ~ ' as select nullif(value, \'\') as line, ' ~ file_name
                ~ ' as filename from ' ~ files
            ) -%}
        {%- else -%}
            {%- set columns = [] -%}
            {%- for column in table.columns -%}
                {%- do columns.append(adapter.quote(column) ~ ' string') -%}
            {%- endfor -%}
            {%- do run_query(
                'create table ' ~ files ~ ' (' ~ columns | join(', ') ~ ') using csv options (' ~ location
                ~ ', header \'true\', enforceSchema \'false\', multiLine \'true\','
                ~ ' sep \',\', quote \'"\', escape \'"\', mode \'FAILFAST\', encoding \'UTF-8\')'
            ) -%}
            {%- do run_query('create view ' ~ relation ~ ' as select *, ' ~ file_name ~ ' as filename from ' ~ files) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- the files each external table reads (FAILFAST stops on a line it cannot read: no rejected lines;
        files no source reads are not listed) -#}
    {%- set inventory = [] -%}
    {%- set listing = none -%}
    {%- for table in tables -%}
        {%- set read = run_query('select distinct filename from ' ~ table.relation ~ ' order by filename').columns[0].values() -%}
        {%- for file in read -%}
            {%- do inventory.append({'file': file, 'source_system': table.source_system,
                                     'source_table': table.source_table, 'status': 'read', 'encoding': 'utf-8'}) -%}
        {%- endfor -%}
        {%- if read | length == 0 -%}
            {%- if listing is none -%}{%- set listing = _spark_landing_listing() -%}{%- endif -%}
            {%- do _spark_check_empty_landing_table(table, listing) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do _create_landing_files_table(inventory) -%}
    {%- do _create_empty_rejected_lines() -%}
{%- endmacro %}

{#-
    _spark_landing_listing(): [{file, bytes}] of every file under RAW_DATA_DIR, as the Spark server
    sees them (binaryFile lists them; the contents are not read).
-#}
{% macro _spark_landing_listing() -%}
    {%- do run_query(
        'create or replace temporary view landing_file_listing using binaryFile options (path '
        ~ string_literal(landing_root()) ~ ', recursiveFileLookup \'true\')'
    ) -%}
    {%- set rows = run_query(
        "select regexp_replace(path, '^file:(//)?', '') as file, length as bytes from landing_file_listing order by 1"
    ) -%}
    {%- set listing = [] -%}
    {%- for row in rows -%}{%- do listing.append({'file': row[0], 'bytes': row[1]}) -%}{%- endfor -%}
    {{ return(listing) }}
{%- endmacro %}

{#-
    A landing table Spark read no row from, as DuckDB decides it: stop where rows are expected (the
    landing folder holds no file at all, the table's folder holds files its pattern misses, or a
    matching file holds more than a CSV header line) with one line naming the table, its files and
    RAW_DATA_DIR; warn and build it empty where its folder holds no file (a system not in use) or
    its files are header-only CSV.
-#}
{% macro _spark_check_empty_landing_table(table, listing) -%}
    {%- set folder, pattern = table.glob.rsplit('/', 1) -%}
    {%- set file_regex = '^' ~ modules.re.escape(folder ~ '/') ~ modules.re.escape(pattern).replace('\\*', '[^/]*').replace('\\?', '[^/]') ~ '$' -%}
    {%- set in_folder, matching = [], [] -%}
    {%- for entry in listing if entry.file.startswith(folder ~ '/') -%}
        {%- do in_folder.append(entry) -%}
        {%- if modules.re.match(file_regex, entry.file) -%}{%- do matching.append(entry) -%}{%- endif -%}
    {%- endfor -%}
    {%- set header_bytes = (table.columns | join(',') | length) + 2 -%}
    {%- set with_rows = [] -%}
    {%- for entry in matching
        if (table.format == 'jsonl' and entry.bytes > 0) or (table.format == 'csv' and entry.bytes > header_bytes) -%}
        {%- do with_rows.append(entry.file) -%}
    {%- endfor -%}
    {%- set name = 'source ' ~ table.source_system ~ '.' ~ table.source_table -%}
    {%- if with_rows -%}
        {{ exceptions.raise_compiler_error(
            name ~ ': no row read from ' ~ table.glob ~ ' though ' ~ with_rows | length ~ ' matching file(s) hold data ('
            ~ with_rows[0] ~ '): the server reads another place than RAW_DATA_DIR=' ~ landing_root() ~ '?'
        ) }}
    {%- elif listing | length == 0 or (in_folder and not matching) -%}
        {{ exceptions.raise_compiler_error(
            name ~ ': no landing file matches ' ~ table.glob ~ ' (RAW_DATA_DIR is ' ~ landing_root() ~ ')'
        ) }}
    {%- elif matching -%}
        {%- do exceptions.warn(name ~ ': its files under ' ~ folder ~ '/ hold a header and no row, so it is built empty') -%}
    {%- else -%}
        {%- do exceptions.warn(
            name ~ ': no file under ' ~ folder ~ '/, so it is built empty (a system this organisation does not use)'
        ) -%}
    {%- endif -%}
{%- endmacro %}

{% macro postgres__create_landing_relations(tables) -%}
    {%- set server = run_query(
        "select current_setting('server_version_num')::int as version, datcollate as collation"
        ~ " from pg_database where datname = current_database()"
    ).rows[0] -%}
    {%- if server.version < 160000 -%}
        {{ exceptions.raise_compiler_error(
            'PostgreSQL 16 or later is needed (pg_input_is_valid, IS JSON); this server is ' ~ server.version
        ) }}
    {%- endif -%}
    {%- if server.collation not in ['C', 'POSIX'] -%}
        {{ exceptions.raise_compiler_error(
            'the database must sort text by code point, as DuckDB and Spark do (identity resolution numbers'
            ~ ' records in that order): create it with lc_collate \'C\' (this one uses ' ~ server.collation ~ ')'
        ) }}
    {%- endif -%}
    {%- set inventory = [] -%}
    {%- for table in tables -%}
        {%- set relation = table.relation -%}
        {%- set folder, pattern = table.glob.rsplit('/', 1) -%}
        {%- if not folder.startswith('/') -%}
            {{ exceptions.raise_compiler_error(
                'RAW_DATA_DIR must be an absolute path on Postgres (the server reads the files): ' ~ folder
            ) }}
        {%- endif -%}
        {%- set file_regex = '^' ~ modules.re.escape(pattern).replace('\\*', '.*').replace('\\?', '.') ~ '$' -%}
        {%- set files = run_query(
            'select name from pg_ls_dir(' ~ string_literal(folder) ~ ') as name where name ~ '
            ~ string_literal(file_regex) ~ ' order by name'
        ).columns[0].values() -%}
        {%- if files | length == 0 -%}
            {{ exceptions.raise_compiler_error('no landing file matches ' ~ table.glob) }}
        {%- endif -%}
        {%- do adapter.create_schema(relation) -%}
        {%- if table.format == 'jsonl' -%}
            {%- set columns = ['line'] -%}
            {#- one field per line: no delimiter or quote character occurs in the text -#}
            {%- set options = "format csv, delimiter e'\\x01', quote e'\\x02'" -%}
        {%- else -%}
            {%- set columns = table.columns -%}
            {%- set quoted = [] -%}
            {%- for column in columns %}{% do quoted.append(adapter.quote(column)) %}{% endfor -%}
            {#- header match: each file's header must be the columns in this order; force_null: a
                quoted empty field is NULL, as DuckDB reads it -#}
            {%- set options = 'format csv, header match, force_null (' ~ quoted | join(', ') ~ ')' -%}
        {%- endif -%}
        {%- set column_list = [] -%}
        {%- for column in columns %}{% do column_list.append(adapter.quote(column)) %}{% endfor -%}
        {#- reloaded in place: the staging views depend on the table (a new shape replaces it, and
            with it the views, which the run recreates) -#}
        {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
        {%- set existing_columns = adapter.get_columns_in_relation(existing) | map(attribute='name') | list
            if existing is not none else [] -%}
        {%- if existing_columns == columns + ['filename'] -%}
            {%- set statements = ['truncate table ' ~ relation] -%}
        {%- else -%}
            {%- set statements = [
                'drop table if exists ' ~ relation ~ ' cascade',
                'create table ' ~ relation ~ ' (' ~ column_list | join(' text, ') ~ ' text, filename text)',
            ] -%}
        {%- endif -%}
        {%- for file in files -%}
            {%- set path = folder ~ '/' ~ file -%}
            {%- do statements.append('alter table ' ~ relation ~ ' alter column filename set default ' ~ string_literal(path)) -%}
            {%- do statements.append(
                'copy ' ~ relation ~ ' (' ~ column_list | join(', ') ~ ') from ' ~ string_literal(path)
                ~ ' with (' ~ options ~ ')'
            ) -%}
        {%- endfor -%}
        {%- do statements.append('alter table ' ~ relation ~ ' alter column filename drop default') -%}
        {#- each file's fingerprint for the base models (macro changed_landing_files), taken before
            COPY reads it: size and modification time, NULL when modified within 2 s of the look -#}
        {%- set paths = [] -%}
        {%- for file in files %}{% do paths.append(string_literal(folder ~ '/' ~ file)) %}{% endfor -%}
        {%- set fingerprints = {} -%}
        {%- for row in run_query(
            'select path, case when (stat).modification < clock_timestamp() - interval \'2 seconds\' then'
            ~ ' (stat).size || \' bytes, modified \' || to_char((stat).modification at time zone \'UTC\','
            ~ ' \'YYYY-MM-DD HH24:MI:SS "UTC"\') end'
            ~ ' from (select path, pg_stat_file(path) as stat from unnest(array[' ~ paths | join(', ') ~ ']) as path) as files'
        ) -%}
            {%- do fingerprints.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        {%- do run_query(statements | join(';\n')) -%}
        {%- for file in files -%}
            {%- do inventory.append({'file': folder ~ '/' ~ file, 'source_system': table.source_system,
                                     'source_table': table.source_table, 'status': 'read', 'encoding': 'utf-8',
                                     'fingerprint': fingerprints[folder ~ '/' ~ file]}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- COPY stops on a line it cannot read, naming it: no rejected lines; files no source reads are not listed -#}
    {%- do _create_landing_files_table(inventory) -%}
    {%- do _create_empty_rejected_lines() -%}
{%- endmacro %}
