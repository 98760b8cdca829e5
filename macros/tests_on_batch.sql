{#-
    Data tests on the new batch (docs/orders.md). A test whose `where` config holds the token
    __latest_batch__ checks, on an incremental run, only the rows of its model loaded by the latest
    run (`loaded_at` = the model's latest `loaded_at`); on a full build (--full-refresh, or var
    tests_on_batch false) the token becomes `true` and the test checks every row. A first build
    loads every row in one batch, so it checks every row either way.
    get_where_subquery overrides dbt's own (global_project), which wraps a test's model in
    `(select * from model where <where>)`; only the token is new.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__latest_batch__' in where -%}
        {%- set where = where | replace('__latest_batch__', latest_batch_filter(relation)) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#-
    latest_batch_filter(relation): the SQL condition that keeps the rows of `relation` its latest
    run loaded, or `true` on a full build (flag --full-refresh, or var tests_on_batch false).
-#}
{% macro latest_batch_filter(relation) -%}
    {%- if flags.FULL_REFRESH or not var('tests_on_batch', true) -%}
        true
    {%- else -%}
        loaded_at = (select max(batch.loaded_at) from {{ relation }} as batch)
    {%- endif -%}
{%- endmacro %}

{#-
    run_started_timestamp(): the time this dbt invocation started (run_started_at, UTC, to the
    second) as a SQL timestamp: the `loaded_at` of the rows a run (re)loads. The fallback is for
    sqlfluff's jinja templater, which has no run_started_at.
-#}
{% macro run_started_timestamp() -%}
    {%- set started = run_started_at.strftime('%Y-%m-%d %H:%M:%S') if run_started_at is defined
        else '1970-01-01 00:00:00' -%}
    cast('{{ started }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
