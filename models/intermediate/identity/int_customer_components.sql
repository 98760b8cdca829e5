{#-
    Every customer record with its connected component in the identity graph (records joined
    by shared linking emails or phones, transitively). Label propagation runs over the records'
    bigint keys (record_sk); each component is then named by its smallest customer_record_id (one
    string aggregation at the end), so the name does not depend on how the keys were numbered.
    Records with no linking identifier are components of their own.
    Incremental (delete+insert on customer_record_id): a run labels again only the components its
    changed edges, new records and deleted records reach, whole (macro relabel_touched_components),
    and deletes the records gone (post-hook); the other rows are not rewritten. A full build labels
    every record (macro connected_components). Spark: a table rebuilt in full.
    propagation_rounds: the rounds label propagation took in the run that wrote the row;
    labelled_at: when that run started.
-#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='customer_record_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook=["{{ delete_removed_component_records() }}", "{{ connected_components_cleanup() }}"],
) }}

{%- set edges = ref('int_customer_identity_edges') -%}
{%- set records_sql -%}
    select
        record_keys.record_sk,
        unioned.customer_record_id
    from {{ ref('int_customer_identifiers_unioned') }} as unioned
    inner join {{ ref('int_customer_record_keys') }} as record_keys
        on unioned.customer_record_id = record_keys.customer_record_id
{%- endset -%}

{#- At parse time (no database yet) the labels are a placeholder of the right shape. -#}
{%- if execute and is_incremental() -%}
    {%- set components = relabel_touched_components(edges, records_sql) -%}
{%- elif execute -%}
    {%- set components = connected_components(
        '(select record_sk, identifier_sk from ' ~ edges ~ ' where identifier_sk is not null) as linked',
        'record_sk', 'identifier_sk'
    ) -%}
{%- else -%}
    {%- set components = {'relation': none, 'rounds': 0} -%}
{%- endif %}

with

records as (
    -- the records of this run (the dictionary also keeps records no longer seen)
    {{ records_sql }}
),

labels as (
    {% if components.relation -%}
        select
            node_id,
            min_node_id
        from {{ components.relation }}
    {%- else -%}
        select
            record_sk as node_id,
            record_sk as min_node_id
        from records
    {%- endif %}
),

labelled as (
    select
        records.record_sk,
        records.customer_record_id,
        coalesce(labels.min_node_id, records.record_sk) as component_sk
    from records
    {% if is_incremental() -%}
        -- only the records relabelled in this run
        inner join labels on records.record_sk = labels.node_id
    {%- else -%}
        left join labels on records.record_sk = labels.node_id
    {%- endif %}
),

names as (
    select
        component_sk,
        min(customer_record_id) as component_id
    from labelled
    group by component_sk
),

-- the linter also renders the run-time branch above, where rounds is not a number: no indent check here
-- noqa: disable=LT02
final as (
    select
        labelled.customer_record_id,
        labelled.record_sk,
        names.component_id,
        cast({{ components.rounds }} as integer) as propagation_rounds,
        {{ run_started_timestamp() }} as labelled_at
    from labelled
    inner join names on labelled.component_sk = names.component_sk
)

-- noqa: enable=LT02
select * from final
