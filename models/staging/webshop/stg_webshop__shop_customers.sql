with

shop_customers as (
    select * from {{ ref('base_webshop__shop_customers') }}
    where quarantine_reason is null and version_rank = 1
),

shops as (
    select * from {{ ref('stg_webshop__shops') }}
),

named as (
    select
        shop_customers.*,
        -- total_spent is in the currency of the customer's shop
        shops.currency_code,
        {{ normalize_name('shop_customers.full_name_raw') }} as full_name
    from shop_customers
    left join shops
        on shop_customers.shop_id = shops.shop_id
),

final as (
    select
        -- ids
        shop_customer_id,
        shop_id,

        -- strings
        'webshop' as source_system,
        full_name,
        -- best-effort split on the first space; a one-word name has no last name
        {{ first_word('full_name') }} as first_name,
        {{ after_first_word('full_name') }} as last_name,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_phone('phone_raw', "'" ~ var('default_phone_country')['webshop'] ~ "'") }} as phone_e164,
        phone_raw,
        first_source_slug,
        currency_code,

        -- numerics
        total_purchases,
        total_spent,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,
        coalesce(is_repeat_customer, false) as is_repeat_customer,

        -- timestamps (UTC)
        first_purchase_at,
        last_purchase_at,
        created_at,
        updated_at,
        extracted_at,
        source_file
    from named
)

select * from final
