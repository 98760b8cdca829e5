{#-
    relabel_touched_components(edges, records, previous=this): the incremental run of
    int_customer_components. Labels again only the components a run can have changed, and returns
    {'relation': <temporary table (node_id, min_node_id)>, 'rounds': <rounds>} over exactly the
    records to rewrite (every record of every component they belong to), like connected_components.
    - edges: the relation of (record_sk, identifier_sk, loaded_at) pairs (int_customer_identity_edges;
      a NULL identifier_sk marks a record left without links).
    - records: a select of this run's records (record_sk).
    - previous: the model's table (record_sk, component_id, labelled_at) before this run.
    Steps, each a temporary table (dropped by connected_components_cleanup):
      1. touched: records whose edges were stamped after the previous run's labelled_at (a new,
         changed or deleted record, or one holding an identifier whose guard status changed), new
         records (no previous component, with or without links) and records gone from this run;
      2. expanded: every record of the previous components of the touched records (a split leaves
         the rest of the old component to relabel, and those records did not change themselves);
      3. memberships: the links of the identifiers the expanded records hold, where a record of a
         component not expanded stands for its whole component (its smallest record_sk): such a
         component kept all its records and links, so it is still connected, and only a link to an
         expanded record can join it to anything (a link that is new to it would have touched it);
      4. connected_components over those memberships (the closure: rounds grow with the logarithm
         of the subgraph's diameter, as in a full build);
      5. relabelled: the expanded records of this run and the records of the components the
         closure reached, each with its label.
    The records gone from this run are kept in the temporary table `removed` for the model's
    post-hook (delete_removed_component_records). A table built before this (no labelled_at column)
    stops the run with one line naming the command that rebuilds it.
-#}
{% macro relabel_touched_components(edges, records, previous=this) -%}
    {%- set touched = _cc_scratch(previous, 'touched') -%}
    {%- set removed = _cc_scratch(previous, 'removed') -%}
    {%- set expanded = _cc_scratch(previous, 'expanded') -%}
    {%- set members = _cc_scratch(previous, 'members') -%}
    {%- set relabelled = _cc_scratch(previous, 'relabelled') -%}
    {%- set previous_columns = adapter.get_columns_in_relation(previous)
        | map(attribute='name') | map('lower') | list -%}
    {%- if 'labelled_at' not in previous_columns -%}
        {{ exceptions.raise_compiler_error(
            previous ~ ' was built before identity was incremental (it has no labelled_at column): rebuild it'
            ~ ' once with dbt build --full-refresh --select int_customer_identity_edges+'
        ) }}
    {%- endif -%}
    {%- do connected_components_cleanup(previous) -%}
    {%- do run_query(_cc_create(removed,
        'select previous.record_sk from ' ~ previous ~ ' as previous'
        ~ ' where not exists (select 1 from (' ~ records ~ ') as records'
        ~ ' where records.record_sk = previous.record_sk)'
    )) -%}
    {%- set touched_sql -%}
        select edges.record_sk
        from {{ edges }} as edges
        where edges.loaded_at > (select max(previous.labelled_at) from {{ previous }} as previous)
        union
        select records.record_sk
        from ({{ records }}) as records
        where not exists (select 1 from {{ previous }} as previous where previous.record_sk = records.record_sk)
        union
        select record_sk from {{ removed }}
    {%- endset -%}
    {%- do run_query(_cc_create(touched, touched_sql)) -%}
    {%- set expanded_sql -%}
        select record_sk from {{ touched }}
        union
        select previous.record_sk
        from {{ previous }} as previous
        where previous.component_id in (
            select touched_components.component_id
            from {{ previous }} as touched_components
            inner join {{ touched }} as touched on touched_components.record_sk = touched.record_sk
        )
    {%- endset -%}
    {%- do run_query(_cc_create(expanded, expanded_sql)) -%}
    {%- set members_sql -%}
        with
        linked as (
            select record_sk, identifier_sk from {{ edges }} where identifier_sk is not null
        ),
        reached_identifiers as (
            select distinct linked.identifier_sk
            from linked
            inner join {{ expanded }} as expanded on linked.record_sk = expanded.record_sk
        ),
        representatives as (
            select component_id, min(record_sk) as representative_sk
            from {{ previous }}
            group by component_id
        )
        select distinct
            coalesce(expanded.record_sk, representatives.representative_sk) as member_id,
            linked.identifier_sk as group_id
        from linked
        inner join reached_identifiers on linked.identifier_sk = reached_identifiers.identifier_sk
        left join {{ expanded }} as expanded on linked.record_sk = expanded.record_sk
        left join {{ previous }} as previous on linked.record_sk = previous.record_sk
        left join representatives on previous.component_id = representatives.component_id
    {%- endset -%}
    {%- do run_query(_cc_create(members, members_sql)) -%}
    {%- set components = connected_components(members, 'member_id', 'group_id', scratch=previous, cleanup=false) -%}
    {%- set relabelled_sql -%}
        with
        representatives as (
            select component_id, min(record_sk) as representative_sk
            from {{ previous }}
            group by component_id
        ),
        reached as (
            -- records of components not expanded that the closure joined to an expanded record
            select previous.record_sk, labels.min_node_id
            from {{ previous }} as previous
            inner join representatives on previous.component_id = representatives.component_id
            inner join {{ components.relation }} as labels on representatives.representative_sk = labels.node_id
            where not exists (select 1 from {{ expanded }} as expanded where expanded.record_sk = previous.record_sk)
        )
        select
            expanded.record_sk as node_id,
            coalesce(labels.min_node_id, expanded.record_sk) as min_node_id
        from {{ expanded }} as expanded
        left join {{ components.relation }} as labels on expanded.record_sk = labels.node_id
        where not exists (select 1 from {{ removed }} as removed where removed.record_sk = expanded.record_sk)
        union all
        select record_sk as node_id, min_node_id from reached
    {%- endset -%}
    {%- do run_query(_cc_create(relabelled, relabelled_sql)) -%}
    {{ return({'relation': relabelled, 'rounds': components.rounds}) }}
{%- endmacro %}

{#- Post-hook of int_customer_components on an incremental run: delete the records gone from this run. -#}
{% macro delete_removed_component_records() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where record_sk in (select record_sk from {{ _cc_scratch(this, 'removed') }})
    {%- endif -%}
{%- endmacro %}
