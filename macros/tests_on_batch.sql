{#-
    Data tests on the new batch (docs/decisions.md "Tests on the batch"). Every data test of the project
    carries the token __latest_batch__ in its `where` config (dbt_project.yml; a test with its own
    `where` writes `... and __latest_batch__`). On an incremental run, a test on a model that has a
    batch (a `loaded_at` column: the run that (re)loaded the row) checks, by the kind of test:
      - a row test (not_null, accepted_values, relationships from the child's side, expressions,
        registered_source_system, ...): the rows of the latest batch;
      - unique, unique_combination: every row whose key a row of the latest batch holds (and rows with
        a NULL in the key), so a duplicate between the batch and an older row is seen;
      - rows_accounted_for, rows_accounted_for_per_file (reconciliations): every row, always.
    On a full build (--full-refresh, or var tests_on_batch false), and on a model without a batch, the
    token becomes `true` and the test checks every row. A first build loads every row in one batch, so
    it checks every row either way.
    get_where_subquery overrides dbt's own (global_project), which wraps a test's model in
    `(select * from model where <where>)`; the token and the alias `tested` are new.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__latest_batch__' in where -%}
        {%- set where = where | replace('__latest_batch__', batch_scope(relation)) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} as tested where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#-
    batch_scope(relation): the condition on `relation` (aliased tested) that keeps the rows the data
    test being compiled checks on this run, by its kind (see above); `true` for every row.
-#}
{% macro batch_scope(relation) -%}
    {%- set test = model.get('test_metadata') or {} -%}
    {%- set kind = test.get('name') -%}
    {%- if kind in ['rows_accounted_for', 'rows_accounted_for_per_file'] or not _tested_model_has_batch() -%}
        true
    {%- elif kind in ['unique', 'unique_combination'] -%}
        {%- set arguments = test.get('kwargs') or {} -%}
        {%- set keys = [arguments.get('column_name')] if kind == 'unique' else arguments.get('columns') -%}
        {%- set batch = latest_batch_filter(relation, 'batch') | trim -%}
        {%- if batch == 'true' -%}
            true
        {%- else -%}
            (
                ({{ keys | join(', ') }}) in (
                    select {% for key in keys %}batch.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
                    from {{ relation }} as batch
                    where {{ batch }}
                )
                {%- for key in keys %}
                or tested.{{ key }} is null
                {%- endfor %}
            )
        {%- endif -%}
    {%- else -%}
        {{ latest_batch_filter(relation, 'tested') }}
    {%- endif -%}
{%- endmacro %}

{#- Whether the model the data test being compiled is attached to has a batch: a `loaded_at` column in
    its YAML (every column is described there: dbt-bouncer). False for a test attached to no model. -#}
{% macro _tested_model_has_batch() -%}
    {%- set attached = graph.nodes.get(model.get('attached_node') or '') if graph is defined else none -%}
    {{ return(attached is not none and 'loaded_at' in (attached.get('columns') or {})) }}
{%- endmacro %}

{#-
    latest_batch_filter(relation, alias): the SQL condition that keeps the rows of `relation` (aliased
    `alias` in the query) its latest run loaded, or `true` on a full build (flag --full-refresh, or var
    tests_on_batch false).
-#}
{% macro latest_batch_filter(relation, alias='tested') -%}
    {%- if flags.FULL_REFRESH or not var('tests_on_batch', true) -%}
        true
    {%- else -%}
        {{ alias }}.loaded_at = (select max(latest.loaded_at) from {{ relation }} as latest)
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
