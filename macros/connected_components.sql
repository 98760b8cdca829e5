{#-
    connected_components(memberships, member, group_column, scratch=this): connected components of
    a bipartite graph given as memberships: rows (member, group) with integer member ids, meaning
    "this member holds this group" (a customer record holds an email). Two members are connected
    when they hold a common group, transitively. Every member is labelled with the smallest member
    id of its component. Any undirected graph fits: make each edge a group of its two ends.
    Repeated memberships change nothing (every step takes a minimum), so they are not removed.

    Label propagation with pointer jumping, run round after round until the labels are a fixed
    point. Each round, in one statement:
      1. every group takes the smallest label among its members;
      2. every member takes the smallest label among its groups (two hops per round);
      3. the member its old label pointed at takes that label too (hooking its tree onto the
         smaller one, as in Shiloach-Vishkin);
      4. every member jumps to its label's label (pointer jumping), so chains of labels halve.
    The first round starts from every member labelled with itself, straight from the memberships.
    Labels only decrease, so it terminates. Pointer jumping makes the number of rounds grow with
    the logarithm of the component's diameter, not the diameter: a chain of 10,000 records
    converges in about a dozen.

    Convergence without a confirming round: the labels are final when every group's members carry
    one label (then each component carries one label, and it is its smallest member, whose label
    can never go below itself). A group none of whose members changed in the last round is already
    uniform (each member took at most the group's smallest label and kept its own), so once few
    labels change (var identity_check_below_changed_share of the members), only the groups of the
    changed members are checked; a full round runs only if one of them is not uniform.

    Returns {'relation': <table (node_id, min_node_id)>, 'rounds': <rounds run>}, the scratch
    tables named after the relation `scratch` (the calling model). Call it from a model at
    execution time; the model selects from the returned relation and drops the scratch tables in a
    post-hook (connected_components_cleanup; cleanup=false skips the cleanup of leftovers at the
    start, for a caller whose own scratch tables share the prefix). The operation connected_components_into runs it
    outside a model (tests, benchmarks). It stops with an error after var identity_max_rounds
    rounds rather than return a partition that has not converged.
-#}
{% macro connected_components(memberships, member, group_column, scratch=this, cleanup=true) -%}
    {%- set edges = '(select ' ~ member ~ ' as member_id, ' ~ group_column ~ ' as group_id from '
        ~ memberships ~ ')' -%}
    {%- set state = _cc_scratch(scratch, 'state') -%}
    {%- set next_state = _cc_scratch(scratch, 'next') -%}
    {%- set changed = _cc_scratch(scratch, 'changed') -%}
    {#- left over by a run that failed (an engine without temporary tables keeps them); a caller that
        made scratch tables of its own first (relabel_touched_components) cleans up itself -#}
    {%- if cleanup -%}
        {%- do connected_components_cleanup(scratch) -%}
    {%- endif -%}
    {%- do run_query(_cc_round_sql(edges, none, state)) -%}
    {%- do run_query(_cc_create(changed, 'select node_id from ' ~ state ~ ' where min_node_id <> node_id')) -%}
    {%- set members = _cc_count(state) -%}
    {%- set check_below = var('identity_check_below_changed_share') | float -%}
    {%- set max_rounds = var('identity_max_rounds') | int -%}
    {%- set result = {'rounds': 1, 'converged': false} -%}
    {%- for round in range(2, max_rounds + 2) if not result.converged -%}
        {%- set changed_count = _cc_count(changed) -%}
        {%- do log('connected components: round ' ~ result.rounds ~ ', ' ~ changed_count ~ ' labels changed', info=false) -%}
        {%- if changed_count == 0 -%}
            {%- do result.update({'converged': true}) -%}
        {%- elif changed_count <= check_below * members and _cc_mixed_groups(edges, state, changed) == 0 -%}
            {%- do result.update({'converged': true}) -%}
        {%- elif round <= max_rounds -%}
            {%- do run_query(_cc_round_sql(edges, state, next_state)) -%}
            {%- do run_query('drop table ' ~ changed) -%}
            {%- do run_query(_cc_create(changed,
                'select next_state.node_id from ' ~ next_state ~ ' as next_state inner join ' ~ state
                ~ ' as state on next_state.node_id = state.node_id'
                ~ ' where next_state.min_node_id <> state.min_node_id'
            )) -%}
            {%- do run_query('drop table ' ~ state) -%}
            {%- do run_query('alter table ' ~ next_state ~ ' rename to ' ~ adapter.quote(state.identifier)) -%}
            {%- do result.update({'rounds': round}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not result.converged -%}
        {{ exceptions.raise_compiler_error(
            'connected_components did not converge in ' ~ max_rounds ~ ' rounds (var identity_max_rounds)'
        ) }}
    {%- endif -%}
    {{ return({'relation': state, 'rounds': result.rounds}) }}
{%- endmacro %}

{% macro _cc_count(relation) -%}
    {{ return(run_query('select count(*) from ' ~ relation).columns[0].values()[0] | int) }}
{%- endmacro %}

{#-
    One round into `target`. Without a state (the first round) every member starts labelled with
    itself: the groups take their smallest member straight from the memberships, and there is
    nothing to hook.
-#}
{% macro _cc_round_sql(edges, state, target) -%}
    {%- set labels = 'lowest' if state else 'member_min' -%}
    {{ _cc_create(target, '') }}
    with
    edge_list as (
        select * from {{ edges }} as memberships
    ),
    group_min as (
        select
            edge_list.group_id,
            min({{ 'state.min_node_id' if state else 'edge_list.member_id' }}) as min_node_id
        from edge_list
        {% if state -%}
            inner join {{ state }} as state on edge_list.member_id = state.node_id
        {% endif -%}
        group by edge_list.group_id
    ),
    member_min as (
        select
            edge_list.member_id as node_id,
            min(group_min.min_node_id) as min_node_id
        from edge_list
        inner join group_min on edge_list.group_id = group_min.group_id
        group by edge_list.member_id
    )
    {%- if state %},
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
    {%- endif %}
    select
        {{ labels }}.node_id,
        least({{ labels }}.min_node_id, coalesce(jump.min_node_id, {{ labels }}.min_node_id)) as min_node_id
    from {{ labels }}
    left join {{ labels }} as jump on {{ labels }}.min_node_id = jump.node_id
{%- endmacro %}

{#- How many groups holding a member changed in the last round carry more than one label. -#}
{% macro _cc_mixed_groups(edges, state, changed) -%}
    {%- set sql -%}
        with
        edge_list as (
            select * from {{ edges }} as memberships
        ),
        touched as (
            select distinct edge_list.group_id
            from edge_list
            inner join {{ changed }} as changed on edge_list.member_id = changed.node_id
        ),
        mixed as (
            select edge_list.group_id
            from edge_list
            inner join touched on edge_list.group_id = touched.group_id
            inner join {{ state }} as state on edge_list.member_id = state.node_id
            group by edge_list.group_id
            having min(state.min_node_id) <> max(state.min_node_id)
        )
        select count(*) from mixed
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values()[0] | int) }}
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
        {%- for suffix in ['state', 'next', 'changed', 'touched', 'removed', 'expanded', 'members', 'relabelled'] -%}
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
