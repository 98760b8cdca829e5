-- Ticket Tailor buyers, one record per order. The checkout question is answered yes or no
-- (both explicit choices) or not asked (NULL).
with

orders as (
    select * from {{ ref('stg_ticket_tailor__orders') }}
),

final as (
    select
        'ticket_tailor' as source_system,
        'orders' as source_table,
        order_id as record_key,
        cast(null as {{ dbt.type_string() }}) as source_customer_key,
        email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        first_name,
        last_name,
        cast(null as {{ dbt.type_string() }}) as country_code,
        'checkout_question' as consent_method,
        marketing_opt_in,
        false as is_unsubscribed,
        created_at as record_created_at,
        created_at as record_updated_at,
        'ticket_tailor__orders:' || order_id as customer_record_id
    from orders
)

select * from final
