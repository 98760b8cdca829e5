{#-
    connected_components(memberships, member, group_column, scratch=this): connected components of
    a bipartite graph given as memberships: rows (member, group) with integer member ids, meaning
    "this member holds this group" (a customer record holds an email). Two members are connected
    when they hold a common group, transitively. Every member is labelled with the smallest member
    id of its component. Any undirected graph fits: make each edge a group of its two ends.

    Label propagation with pointer jumping, run round after round until no label changes. Each
    round, in one statement:
      1. every group takes the smallest label among its members;
      2. every member takes the smallest label among its groups (two hops per round);
      3. the member its old label pointed at takes that label too (hooking its tree onto the
         smaller one, as in Shiloach-Vishkin);
      4. every member jumps to its label's label (pointer jumping), so chains of labels halve.
    Labels only decrease, so it terminates; when no label changes, all members of a component carry
    its smallest member. Pointer jumping makes the number of rounds grow with the logarithm of the
    component's diameter, not the diameter: a chain of 10,000 records converges in about a dozen.

    Returns {'relation': <table (node_id, min_node_id)>, 'rounds': <rounds run>}, the scratch
    tables named after the relation `scratch` (the calling model). Call it from a model at
    execution time; the model selects from the returned relation and drops the scratch tables in a
    post-hook (connected_components_cleanup). The operation connected_components_into runs it
    outside a model (tests, benchmarks). It stops with an error after var identity_max_rounds
    rounds rather than return a partition that has not converged.
-#}
{% macro connected_components(memberships, member, group_column, scratch=this) -%}
    {%- set edge_table = _cc_scratch(scratch, 'edges') -%}
    {%- set state = _cc_scratch(scratch, 'state') -%}
    {%- set next_state = _cc_scratch(scratch, 'next') -%}
    {#- left over by a run that failed (an engine without temporary tables keeps them) -#}
    {%- do connected_components_cleanup(scratch) -%}
    {%- do run_query(_cc_create(edge_table,
        'select distinct ' ~ member ~ ' as member_id, ' ~ group_column ~ ' as group_id from ' ~ memberships
    )) -%}
    {%- do run_query(_cc_create(state,
        'select distinct member_id as node_id, member_id as min_node_id from ' ~ edge_table
    )) -%}
    {%- set max_rounds = var('identity_max_rounds') | int -%}
    {%- set result = {'rounds': 0, 'converged': false} -%}
    {%- for round in range(1, max_rounds + 1) if not result.converged -%}
        {%- do run_query(_cc_round_sql(edge_table, state, next_state)) -%}
        {%- set changed = run_query(
            'select count(*) from ' ~ next_state ~ ' as next_state inner join ' ~ state ~ ' as state'
            ~ ' on next_state.node_id = state.node_id where next_state.min_node_id <> state.min_node_id'
        ).columns[0].values()[0] -%}
        {%- do run_query('drop table ' ~ state) -%}
        {%- do run_query('alter table ' ~ next_state ~ ' rename to ' ~ adapter.quote(state.identifier)) -%}
        {%- do result.update({'rounds': round, 'converged': changed == 0}) -%}
        {%- do log('connected components: round ' ~ round ~ ', ' ~ changed ~ ' labels changed', info=false) -%}
    {%- endfor -%}
    {%- if not result.converged -%}
        {{ exceptions.raise_compiler_error(
            'connected_components did not converge in ' ~ max_rounds ~ ' rounds (var identity_max_rounds)'
        ) }}
    {%- endif -%}
    {{ return({'relation': state, 'rounds': result.rounds}) }}
{%- endmacro %}

{% macro _cc_round_sql(edge_table, state, next_state) -%}
    {{ _cc_create(next_state, '') }}
    with
    group_min as (
        select
            edge_list.group_id,
            min(state.min_node_id) as min_node_id
        from {{ edge_table }} as edge_list
        inner join {{ state }} as state on edge_list.member_id = state.node_id
        group by edge_list.group_id
    ),
    member_min as (
        select
            edge_list.member_id as node_id,
            min(group_min.min_node_id) as min_node_id
        from {{ edge_table }} as edge_list
        inner join group_min on edge_list.group_id = group_min.group_id
        group by edge_list.member_id
    ),
    hooked as (
        select node_id, min_node_id from member_min
        union all
        select state.min_node_id as node_id, member_min.min_node_id
        from {{ state }} as state
        inner join member_min on state.node_id = member_min.node_id
    ),
    lowest as (
        select node_id, min(min_node_id) as min_node_id
        from hooked
        group by node_id
    )
    select
        lowest.node_id,
        least(lowest.min_node_id, coalesce(jump.min_node_id, lowest.min_node_id)) as min_node_id
    from lowest
    left join lowest as jump on lowest.min_node_id = jump.node_id
{%- endmacro %}

{#-
    Scratch tables are temporary tables named after `relation`: DuckDB keeps them out of the
    database file (no write-back each round), which halves a round on millions of rows. Postgres
    has temporary tables too (they live as long as the model's connection); Spark has none, so
    there they are Parquet tables in the session's current database, dropped by the cleanup.
-#}
{% macro _cc_scratch(relation, suffix) -%}
    {{ return(api.Relation.create(identifier=relation.identifier ~ '__cc_' ~ suffix)) }}
{%- endmacro %}

{% macro _cc_create(relation, select_sql) -%}
    {{ return(adapter.dispatch('_cc_create', 'customer_warehouse')(relation, select_sql)) }}
{%- endmacro %}

{% macro default___cc_create(relation, select_sql) -%}
    create or replace temporary table {{ relation }} as {{ select_sql }}
{%- endmacro %}

{#- Postgres has no `create or replace` for tables: connected_components drops them first. -#}
{% macro postgres___cc_create(relation, select_sql) -%}
    create temporary table {{ relation }} as {{ select_sql }}
{%- endmacro %}

{% macro spark___cc_create(relation, select_sql) -%}
    create table {{ relation }} using parquet as {{ select_sql }}
{%- endmacro %}

{#-
    Post-hook of the calling model: drop the scratch tables (one statement each: Spark runs one
    statement per call). Runs the statements itself and renders nothing.
-#}
{% macro connected_components_cleanup(relation=this) -%}
    {%- if execute -%}
        {%- for suffix in ['edges', 'state', 'next'] -%}
            {%- do run_query('drop table if exists ' ~ _cc_scratch(relation, suffix)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#-
    Operation: dbt run-operation connected_components_into --args
    '{memberships: main.pairs, member: m, group_column: g, output: main.labels}' writes
    (node_id, min_node_id, rounds) to the table `output` (schema.table in the target database).
-#}
{% macro connected_components_into(memberships, member, group_column, output) -%}
    {%- set parts = output.split('.') -%}
    {%- set target_relation = api.Relation.create(database=target.database, schema=parts[0], identifier=parts[1]) -%}
    {%- set components = connected_components(memberships, member, group_column, scratch=target_relation) -%}
    {%- do run_query(
        'create or replace table ' ~ target_relation ~ ' as select node_id, min_node_id, '
        ~ components.rounds ~ ' as rounds from ' ~ components.relation
    ) -%}
    {%- do connected_components_cleanup(target_relation) -%}
    {{ log('connected components: ' ~ components.rounds ~ ' rounds, written to ' ~ target_relation, info=true) }}
{%- endmacro %}
