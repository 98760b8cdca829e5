{#-
    The identity graph as integer node pairs: a record node to each linking identifier node.
    Records are numbered 1..R in customer_record_id order and identifiers after them, so the
    smallest node of any connected component is its smallest customer_record_id (see
    int_customer_components). Records with no linking identifier have no edge.
-#}
with

records as (
    select * from {{ ref('int_customer_record_nodes') }}
),

identifiers as (
    select * from {{ ref('int_customer_identifiers_unpivoted') }}
),

links as (
    select
        identifier_type,
        identifier_value,
        (select max(all_records.record_node_id) from records as all_records)
        + row_number() over (order by identifier_type, identifier_value) as identifier_node_id
    from {{ ref('int_customer_identifiers_classified') }}
    where is_link
),

final as (
    select distinct
        records.record_node_id,
        links.identifier_node_id
    from identifiers
    inner join links
        on
            identifiers.identifier_type = links.identifier_type
            and identifiers.identifier_value = links.identifier_value
    inner join records
        on identifiers.customer_record_id = records.customer_record_id
)

select * from final
