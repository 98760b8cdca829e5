{#-
    Every customer record with its connected component in the identity graph (records joined
    by shared linking emails or phones, transitively), labelled by the component's smallest
    customer_record_id. Records with no linking identifier are components of their own.
    propagation_rounds: the rounds label propagation took in this run (macro connected_components).
-#}
{{ config(
    materialized='table',
    post_hook="{{ connected_components_cleanup() }}",
) }}

{#- At parse time (no database yet) the labels are a placeholder of the right shape. -#}
{%- if execute -%}
    {%- set components = connected_components(
        ref('int_customer_identity_edges'), 'record_node_id', 'identifier_node_id'
    ) -%}
    {%- set labels_sql = 'select node_id, min_node_id from ' ~ components.relation -%}
    {%- set rounds = components.rounds -%}
{%- else -%}
    {%- set labels_sql = 'select record_node_id as node_id, record_node_id as min_node_id from '
        ~ ref('int_customer_identity_edges') -%}
    {%- set rounds = 0 -%}
{%- endif %}

with

records as (
    select * from {{ ref('int_customer_record_nodes') }}
),

labels as (
    {{ labels_sql }}
),

labelled as (
    select
        records.customer_record_id,
        coalesce(labels.min_node_id, records.record_node_id) as component_node_id
    from records
    left join labels on records.record_node_id = labels.node_id
),

-- the linter also renders the run-time branch above, where rounds is not a number: no indent check here
-- noqa: disable=LT02
final as (
    select
        labelled.customer_record_id,
        anchor.customer_record_id as component_id,
        cast({{ rounds }} as integer) as propagation_rounds
    from labelled
    inner join records as anchor on labelled.component_node_id = anchor.record_node_id
)

-- noqa: enable=LT02
select * from final
