-- Web shop buyers as typed at checkout, one record per order (orders from before customer
-- tracking have no shop customer, only these details). No consent.
with

orders as (
    select * from {{ ref('stg_webshop__shop_orders') }}
),

final as (
    select
        'webshop__shop_orders:' || shop_order_id as customer_record_id,
        'webshop' as source_system,
        'shop_orders' as source_table,
        shop_order_id as record_key,
        'webshop__shop_customers:' || shop_customer_id as source_customer_key,
        email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        {{ first_word('customer_name') }} as first_name,
        {{ after_first_word('customer_name') }} as last_name,
        'GH' as country_code,
        cast(null as {{ dbt.type_string() }}) as consent_method,
        cast(null as boolean) as marketing_opt_in,
        false as is_unsubscribed,
        created_at as record_created_at,
        coalesce(updated_at, created_at) as record_updated_at
    from orders
)

select * from final
