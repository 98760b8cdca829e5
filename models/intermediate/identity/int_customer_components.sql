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

{%- if execute -%}
    {%- set components = connected_components(
        ref('int_customer_identity_edges'), 'record_node_id', 'identifier_node_id'
    ) -%}
    {%- set labels = components.relation -%}
    {%- set rounds = components.rounds -%}
{%- else -%}
    {%- set labels = none -%}
    {%- set rounds = 0 -%}
{%- endif %}

with

records as (
    select * from {{ ref('int_customer_record_nodes') }}
),

labels as (
    {% if labels is not none -%}
        select
            node_id,
            min_node_id
        from {{ labels }}
    {%- else -%}
        select
            record_node_id as node_id,
            record_node_id as min_node_id
        from {{ ref('int_customer_identity_edges') }}
    {%- endif %}
),

labelled as (
    select
        records.customer_record_id,
        coalesce(labels.min_node_id, records.record_node_id) as component_node_id
    from records
    left join labels on records.record_node_id = labels.node_id
),

final as (
    select
        labelled.customer_record_id,
        anchor.customer_record_id as component_id,
        {{ rounds }} as propagation_rounds
    from labelled
    inner join records as anchor on labelled.component_node_id = anchor.record_node_id
)

select * from final
