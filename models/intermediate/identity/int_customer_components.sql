{#-
    Every customer record with its connected component in the identity graph (records joined
    by shared linking emails or phones, transitively). Label propagation runs over the records'
    bigint keys (record_sk); each component is then named by its smallest customer_record_id (one
    string aggregation at the end), so the name does not depend on how the keys were numbered.
    Records with no linking identifier are components of their own.
    propagation_rounds: the rounds label propagation took in this run (macro connected_components).
-#}
{{ config(
    materialized='table',
    post_hook="{{ connected_components_cleanup() }}",
) }}

{#- At parse time (no database yet) the labels are a placeholder of the right shape. -#}
{%- if execute -%}
    {%- set components = connected_components(
        ref('int_customer_identity_edges'), 'record_sk', 'identifier_sk'
    ) -%}
    {%- set labels_sql = 'select node_id, min_node_id from ' ~ components.relation -%}
    {%- set rounds = components.rounds -%}
{%- else -%}
    {%- set labels_sql = 'select record_sk as node_id, record_sk as min_node_id from '
        ~ ref('int_customer_identity_edges') -%}
    {%- set rounds = 0 -%}
{%- endif %}

with

records as (
    -- the records of this run (the dictionary also keeps records no longer seen)
    select
        record_keys.record_sk,
        unioned.customer_record_id
    from {{ ref('int_customer_identifiers_unioned') }} as unioned
    inner join {{ ref('int_customer_record_keys') }} as record_keys
        on unioned.customer_record_id = record_keys.customer_record_id
),

labels as (
    {{ labels_sql }}
),

labelled as (
    select
        records.customer_record_id,
        coalesce(labels.min_node_id, records.record_sk) as component_sk
    from records
    left join labels on records.record_sk = labels.node_id
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
        names.component_id,
        cast({{ rounds }} as integer) as propagation_rounds
    from labelled
    inner join names on labelled.component_sk = names.component_sk
)

-- noqa: enable=LT02
select * from final
