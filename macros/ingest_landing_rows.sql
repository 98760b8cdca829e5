{#-
    Ingest once (docs/sources.md "Ingest once", docs/decisions.md): a base model parses each landing
    file once. Its body is the caller of a call block:

        {% call ingest_landing_rows('order_id', ['extracted_at', 'source_file']) %}
        with source as (select * from {{ source(...) }} {{ landing_files_not_ingested() }}), ...,
        classified as (...)   -- the parsed rows with row_quarantine_reason and raw_record
        {% endcall %}

    and the model is incremental (delete+insert on the record key; a table on Spark, where the
    incremental branches do not render). On an incremental run the source filter keeps only the rows of
    landing files the model has not ingested, before anything is parsed; the versions of the records
    those rows re-export are read back from the table and ranked again with them, so the whole table
    is what a full build on the same files gives (a record's rank depends on its own rows only):
      - record_hash: a hash of the raw row, what the conflict check compares (macro rank_versions);
      - raw_record: kept only on quarantined rows (the audit shows them), NULL on staged and
        superseded rows, which keep their typed columns instead of a second copy of the landing text;
      - loaded_at: the run that wrote the row (the batch data tests check on an incremental run).
-#}
{% macro ingest_landing_rows(record_key, newest_first) -%}
    {%- set body = caller() -%}
    {#- the columns of the caller's classified CTE, in order. None while dbt parses, and in a unit test:
        dbt injects its fixtures as CTEs after this renders, so the body cannot be queried; the unit
        tests then see every row's raw_record (tests/python/test_ingest_once.py checks the rest). -#}
    {%- set columns = get_columns_in_query(body ~ '\nselect * from classified')
        if execute and model.resource_type != 'unit_test' else none -%}
    {#- (not called while dbt parses: they return lists and dicts, which the linter's templater cannot print) -#}
    {%- set changed = changed_landing_files() if execute else [] -%}
    {%- set fingerprints = landing_file_fingerprints() if execute else {} -%}
    {%- set kept = [] -%}
    {%- for column in columns or [] if column | lower != 'raw_record' -%}
        {%- do kept.append(column) -%}
    {%- endfor -%}
    {{ body }},

    versions as (
        select
            {% if columns is none %}classified.*,{% endif %}
            {% for column in kept %}{{ column }},
            {% endfor -%}
            {% if columns is not none %}raw_record,{% endif %}
            {{ dbt.hash('raw_record') }} as record_hash,
            {{ _fingerprint_of_source_file(fingerprints) }} as source_file_fingerprint
        from classified
        {%- if is_incremental() and not changed %}
        union all
        -- the versions already ingested of the records the new files re-export
        select
            {% for column in kept %}{{ column }},
            {% endfor -%}
            raw_record,
            record_hash,
            source_file_fingerprint
        from {{ this }}
        where {{ record_key }} in (select new_rows.{{ record_key }} from classified as new_rows)
        {%- endif %}
    ),

    ranked as (
        {{ rank_versions('versions', record_key, newest_first) }}
    ),

    ingested as (
        {% if columns is none -%}
        select *, {{ run_started_timestamp() }} as loaded_at from ranked
        {%- else -%}
        select
            {% for column in kept %}{{ column }},
            {% endfor -%}
            case when quarantine_reason is not null then raw_record end as raw_record,
            record_hash,
            source_file_fingerprint,
            quarantine_reason,
            version_rank,
            -- the run that (re)wrote the row: new files' rows and the re-ranked versions of the records
            -- they touch; tests on the batch check the latest (macros/tests_on_batch.sql)
            {{ run_started_timestamp() }} as loaded_at
        from ranked
        {%- endif %}
    )

    select * from ingested
{%- endmacro %}

{#-
    landing_files_not_ingested(file_column): in a base model's source CTE, the where clause that
    keeps only the rows of landing files the model has not ingested yet (on an incremental run;
    nothing in a full build, nor when a file it ingested changed: changed_landing_files), with the
    ingested files' names written out as literals.
-#}
{% macro landing_files_not_ingested(file_column='filename') -%}
    {%- if is_incremental() and execute and not changed_landing_files() -%}
        {#- the names as literals, not a subquery: DuckDB then skips the ingested files while listing
            them, instead of reading every line to compare its file name -#}
        {%- set ingested = run_query('select distinct source_file from ' ~ this).columns[0].values() -%}
        {%- if ingested | length > 0 -%}
            where {{ file_column }} not in (
                {%- for file in ingested | sort %}{{ string_literal(file) }}{% if not loop.last %}, {% endif %}{% endfor -%}
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
    changed_landing_files(): on an incremental run of a base model, the landing files it ingested
    that changed since, as [[file, cause]]: a file whose fingerprint (size and modification time,
    recorded per row in source_file_fingerprint) differs from the one the landing hook took in this
    run, or that was not settled when it was ingested (fingerprint NULL), or that is gone from the
    landing folder. Empty in a full build, and in a command that does not look at the landing files
    (dbt compile): there is no fingerprint of this run to compare with. Stops the run with one line
    when the table was built before base models were incremental or recorded fingerprints.
-#}
{% macro changed_landing_files() -%}
    {%- if not (execute and is_incremental() and _command_reads_landing()) -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set existing = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'record_hash' not in existing or 'source_file_fingerprint' not in existing -%}
        {{ exceptions.raise_compiler_error(this ~ ' was built before base models recorded the landing files they'
            ~ ' ingested (it has no record_hash or source_file_fingerprint): rebuild it once with'
            ~ ' dbt build --full-refresh --select ' ~ model.name ~ '+') }}
    {%- endif -%}
    {%- set current = landing_file_fingerprints() -%}
    {%- set changed = [] -%}
    {%- for row in run_query(
        'select source_file, source_file_fingerprint from ' ~ this ~ ' group by source_file, source_file_fingerprint'
        ~ ' order by source_file'
    ) -%}
        {%- if row[0] not in current -%}
            {%- do changed.append([row[0], 'is gone from the landing folder']) -%}
        {%- elif row[1] is none or row[1] != current[row[0]] -%}
            {%- do changed.append([row[0], 'changed since it was ingested (then ' ~ (row[1] or 'being written')
                ~ ', now ' ~ (current[row[0]] or 'being written') ~ ')']) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(changed) }}
{%- endmacro %}

{#-
    landing_file_fingerprints(): {file: fingerprint} of the landing files of the model's sources, as
    the landing hook of this run recorded them in landing.landing_files ("<size> bytes, modified
    <time>"; NULL for a file modified within 2 s of that look, whose time, to the second, could hide a
    rewrite; NULL on Spark, where base models are tables). Empty in a command that does not look at
    the landing files, and in a unit test.
-#}
{% macro landing_file_fingerprints() -%}
    {%- if not (execute and model.resource_type != 'unit_test' and _command_reads_landing()) -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for source_name, table_name in model.sources -%}
        {%- do tables.append('(source_system = ' ~ string_literal(source_name) ~ ' and source_table = '
            ~ string_literal(table_name) ~ ')') -%}
    {%- endfor -%}
    {%- set fingerprints = {} -%}
    {%- for row in run_query('select file, fingerprint from landing.landing_files where ' ~ (tables | join(' or ') or 'false')) -%}
        {%- do fingerprints.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(fingerprints) }}
{%- endmacro %}

{#- The fingerprint of each new row's landing file (source_file), as a case over the literals. -#}
{% macro _fingerprint_of_source_file(fingerprints) -%}
    {%- if fingerprints -%}
    case source_file
        {%- for file, fingerprint in fingerprints | dictsort %}
        when {{ string_literal(file) }} then {{ string_literal(fingerprint) if fingerprint is not none else 'null' }}
        {%- endfor %}
    end
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#-
    reingest_changed_landing_files(): the pre-hook of the base models (base_model_config). When a landing
    file the model ingested changed or is gone (changed_landing_files), logs one line per file and
    deletes every row of the model's table: the model then ingests all its files again, as a full
    build of it would (landing_files_not_ingested and ingest_landing_rows read nothing back). Renders
    nothing otherwise.
-#}
{% macro reingest_changed_landing_files() -%}
    {%- set changed = changed_landing_files() -%}
    {%- for file, cause in changed -%}
        {%- do log(model.name ~ ': landing file ' ~ file ~ ' ' ~ cause ~ ': ingesting all its files again', info=true) -%}
    {%- endfor -%}
    {%- if changed -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#-
    base_model_config(unique_key): the config every base model shares, called at the top of the
    model in place of config(): incremental by landing file (Spark: a table rebuilt in full,
    incremental_where_supported), delete+insert on the record key, a schema change fails the run,
    and the pre-hook that re-ingests a model whose landing files changed (reingest_changed_landing_files).
-#}
{% macro base_model_config(unique_key) -%}
    {%- do config(
        materialized=incremental_where_supported(),
        unique_key=unique_key,
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ reingest_changed_landing_files() }}",
    ) -%}
{%- endmacro %}
