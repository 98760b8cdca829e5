{{ config(
    materialized=incremental_where_supported(),
    unique_key='transaction_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

transactions as (
    select * from {{ ref('base_kajabi__transactions') }}
    where quarantine_reason is null and version_rank = 1 {{ new_landing_files_only() }}
),

typed as (
    select
        *,
        -- 'Charge', 'Subscription Charge', 'Refund' -> charge, subscription_charge, refund
        lower({{ regex_replace_all('trim(transaction_type_raw)', '\\s+', '_') }}) as transaction_type
    from transactions
),

final as (
    select
        -- ids
        transaction_id,
        customer_id,
        offer_id,

        -- strings
        'kajabi' as source_system,
        transaction_type,
        order_status,
        source_status,
        {{ normalize_email('customer_email_raw') }} as email,
        customer_email_raw as email_raw,
        {{ normalize_name('customer_name_raw') }} as customer_name,
        {{ clean_text('offer_title_raw') }} as offer_title,
        coupon_code,
        payment_method,
        payment_provider,
        currency_code,

        -- numerics
        quantity,
        amount,
        sales_tax_amount,

        -- booleans
        coalesce(transaction_type = 'refund', false) as is_refund,
        {{ is_valid_email(normalize_email('customer_email_raw')) }} as is_email_valid,

        -- timestamps (UTC)
        created_at,
        extracted_at,
        source_file
    from typed
)

select * from final
