{#-
    connected_components(edges, node_a, node_b, scratch=this): label every node of an undirected
    graph with the smallest node id of its connected component, by label propagation with pointer
    jumping, run round after round until no label changes. `edges` is a relation with integer
    columns node_a and node_b. Returns {'relation': <table (node_id, min_node_id)>, 'rounds': <rounds
    run>}; the scratch tables are named after the relation `scratch` (the calling model). Call
    it from a model at execution time; the model selects from the returned relation and drops
    the scratch tables in a post-hook (connected_components_cleanup). The operation
    connected_components_into runs it outside a model (tests, benchmarks).

    Each round, in one statement over the symmetric edge list:
      1. every node takes the smallest label among its own and its neighbours' labels;
      2. the node its old label pointed at (a root) takes the smallest of those too (hooking a
         tree onto a smaller one, as in Shiloach-Vishkin);
      3. every node jumps to its label's label (pointer jumping), so chains of labels halve.
    Labels only decrease, so it terminates; when no label changes every edge joins equal labels,
    and the label of a component is its smallest node. Pointer jumping makes the number of rounds
    grow with the logarithm of the component's diameter, not the diameter: a path of 10,000
    nodes converges in a few dozen rounds instead of 10,000.

    It stops with an error after var identity_max_rounds rounds rather than return a partition
    that has not converged.
-#}
{% macro connected_components(edges, node_a, node_b, scratch=this) -%}
    {%- set edge_table = _cc_scratch(scratch, 'edges') -%}
    {%- set state = _cc_scratch(scratch, 'state') -%}
    {%- set next_state = _cc_scratch(scratch, 'next') -%}
    {%- do run_query(
        'create or replace table ' ~ edge_table ~ ' as '
        ~ 'select ' ~ node_a ~ ' as src, ' ~ node_b ~ ' as dst from ' ~ edges
        ~ ' union select ' ~ node_b ~ ', ' ~ node_a ~ ' from ' ~ edges
    ) -%}
    {%- do run_query(
        'create or replace table ' ~ state ~ ' as select distinct src as node_id, src as min_node_id from ' ~ edge_table
    ) -%}
    {%- set max_rounds = var('identity_max_rounds') | int -%}
    {%- set result = {'rounds': 0, 'converged': false} -%}
    {%- for round in range(1, max_rounds + 1) if not result.converged -%}
        {%- do run_query(_cc_round_sql(edge_table, state, next_state)) -%}
        {%- set changed = run_query(
            'select count(*) from ' ~ next_state ~ ' as next_state inner join ' ~ state ~ ' as state'
            ~ ' on next_state.node_id = state.node_id where next_state.min_node_id <> state.min_node_id'
        ).columns[0].values()[0] -%}
        {%- do run_query('drop table ' ~ state) -%}
        {%- do run_query('alter table ' ~ next_state ~ ' rename to ' ~ state.identifier) -%}
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
    create or replace table {{ next_state }} as
    with
    neighbour_min as (
        select
            state.node_id,
            state.min_node_id as old_min_node_id,
            least(state.min_node_id, min(neighbour.min_node_id)) as min_node_id
        from {{ state }} as state
        inner join {{ edge_table }} as edge_list on state.node_id = edge_list.src
        inner join {{ state }} as neighbour on edge_list.dst = neighbour.node_id
        group by state.node_id, state.min_node_id
    ),
    hooked as (
        select node_id, min_node_id from neighbour_min
        union all
        select old_min_node_id as node_id, min_node_id from neighbour_min
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

{#- A scratch table beside `relation`, named after it. -#}
{% macro _cc_scratch(relation, suffix) -%}
    {{ return(relation.incorporate(path={'identifier': relation.identifier ~ '__cc_' ~ suffix})) }}
{%- endmacro %}

{#- Post-hook of the calling model: drop the scratch tables. -#}
{% macro connected_components_cleanup(relation=this) -%}
    {%- for suffix in ['edges', 'state', 'next'] -%}
        drop table if exists {{ _cc_scratch(relation, suffix) }};
    {% endfor -%}
{%- endmacro %}

{#-
    Operation: dbt run-operation connected_components_into --args
    '{edges: main.edges, node_a: a, node_b: b, output: main.labels}' writes (node_id, min_node_id,
    rounds) to the table `output` (schema.table in the target database).
-#}
{% macro connected_components_into(edges, node_a, node_b, output) -%}
    {%- set parts = output.split('.') -%}
    {%- set target_relation = api.Relation.create(database=target.database, schema=parts[0], identifier=parts[1]) -%}
    {%- set components = connected_components(edges, node_a, node_b, scratch=target_relation) -%}
    {%- do run_query(
        'create or replace table ' ~ target_relation ~ ' as select node_id, min_node_id, '
        ~ components.rounds ~ ' as rounds from ' ~ components.relation
    ) -%}
    {%- do run_query(connected_components_cleanup(target_relation)) -%}
    {{ log('connected components: ' ~ components.rounds ~ ' rounds, written to ' ~ target_relation, info=true) }}
{%- endmacro %}
