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
        superseded rows, which keep their typed columns instead of a second copy of the landing text.
-#}
{% macro ingest_landing_rows(record_key, newest_first) -%}
    {%- set body = caller() -%}
    {#- the columns of the caller's classified CTE, in order. None while dbt parses, and in a unit test:
        dbt injects its fixtures as CTEs after this renders, so the body cannot be queried; the unit
        tests then see every row's raw_record (tests/python/test_ingest_once.py checks the rest). -#}
    {%- set columns = get_columns_in_query(body ~ '\nselect * from classified')
        if execute and model.resource_type != 'unit_test' else none -%}
    {%- if execute and is_incremental()
        and 'record_hash' not in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
        {{ exceptions.raise_compiler_error(this ~ ' was built before base models were incremental (it has no '
            ~ 'record_hash): rebuild it once with dbt build --full-refresh --select ' ~ model.name ~ '+') }}
    {%- endif -%}
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
            {{ dbt.hash('raw_record') }} as record_hash
        from classified
        {%- if is_incremental() %}
        union all
        -- the versions already ingested of the records the new files re-export
        select
            {% for column in kept %}{{ column }},
            {% endfor -%}
            raw_record,
            record_hash
        from {{ this }}
        where {{ record_key }} in (select new_rows.{{ record_key }} from classified as new_rows)
        {%- endif %}
    ),

    ranked as (
        {{ rank_versions('versions', record_key, newest_first) }}
    ),

    ingested as (
        {% if columns is none -%}
        select * from ranked
        {%- else -%}
        select
            {% for column in kept %}{{ column }},
            {% endfor -%}
            case when quarantine_reason is not null then raw_record end as raw_record,
            record_hash,
            quarantine_reason,
            version_rank
        from ranked
        {%- endif %}
    )

    select * from ingested
{%- endmacro %}

{#-
    landing_files_not_ingested(file_column): in a base model's source CTE, the where clause that
    keeps only the rows of landing files the model has not ingested yet (on an incremental run;
    nothing in a full build), with the ingested files' names written out as literals. A file is ingested once, under its name: a corrected export must land
    under a new name (docs/sources.md).
-#}
{% macro landing_files_not_ingested(file_column='filename') -%}
    {%- if is_incremental() and execute -%}
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
