-- Web shop customers: one record per customer per shop. No consent.
with

customers as (
    select * from {{ ref('stg_webshop__shop_customers') }}
),

final as (
    select
        'webshop' as source_system,
        'shop_customers' as source_table,
        shop_customer_id as record_key,
        'webshop__shop_customers:' || shop_customer_id as source_customer_key,
        email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        first_name,
        last_name,
        'GH' as country_code,
        cast(null as {{ dbt.type_string() }}) as consent_method,
        cast(null as boolean) as marketing_opt_in,
        false as is_unsubscribed,
        created_at as record_created_at,
        'webshop__shop_customers:' || shop_customer_id as customer_record_id,
        coalesce(updated_at, created_at) as record_updated_at
    from customers
)

select * from final
