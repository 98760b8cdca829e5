{#- incremental: records new or changed in the landing data are (re)loaded, records gone from it
    deleted (macros/incremental_changes.sql) -#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='transaction_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_gone_upstream('transaction_id', ref('base_kajabi__transactions'),
        'upstream.version_rank = 1') }}",
) }}

with

current_versions as (
    select
        *,
        -- what the staged row is made of: the landing row (the base model's hash of it) and its file
        {{ content_hash(['source_file', 'record_hash']) }} as row_hash
    from {{ ref('base_kajabi__transactions') }}
    where quarantine_reason is null and version_rank = 1
),

transactions as (
    -- on an incremental run: the records not loaded yet or loaded from another landing row
    select * from current_versions
    {{ new_or_changed_only('current_versions', 'transaction_id') }}
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
        source_file,
        row_hash,
        -- the run that (re)loaded the row: data tests check the latest batch (macros/tests_on_batch.sql)
        {{ run_started_timestamp() }} as loaded_at
    from typed
)

select * from final
