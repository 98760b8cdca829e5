-- Every customer record numbered 1..R in customer_record_id order: its node in the identity graph.
with

records as (
    select customer_record_id from {{ ref('int_customer_identifiers_unioned') }}
),

final as (
    select
        customer_record_id,
        row_number() over (order by customer_record_id) as record_node_id
    from records
)

select * from final
