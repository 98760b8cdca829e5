{{ config(
    materialized=incremental_where_supported(),
    unique_key='shop_order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

shop_orders as (
    select * from {{ ref('base_webshop__shop_orders') }}
    where quarantine_reason is null and version_rank = 1 {{ new_landing_files_only() }}
),

final as (
    select
        -- ids
        shop_order_id,
        shop_id,
        shop_customer_id,

        -- strings
        'webshop' as source_system,
        {{ normalize_name('customer_name_raw') }} as customer_name,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_phone('phone_raw', "'" ~ var('default_phone_country')['webshop'] ~ "'") }} as phone_e164,
        phone_raw,
        network,
        package_name,
        order_status,
        source_status,
        payment_reference,
        currency_code,

        -- numerics
        quantity,
        amount,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,

        -- timestamps (UTC)
        created_at,
        updated_at,
        extracted_at,
        source_file
    from shop_orders
)

select * from final
