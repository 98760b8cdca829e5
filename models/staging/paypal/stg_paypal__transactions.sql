{#- incremental: records new or changed in the landing data are (re)loaded, records gone from it
    deleted (macros/incremental_changes.sql) -#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='transaction_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_gone_upstream('transaction_id', ref('base_paypal__transactions'),
        'upstream.version_rank = 1') }}",
) }}

with

current_versions as (
    select
        *,
        -- what the staged row is made of: the landing row (the base model's hash of it) and its file
        {{ content_hash(['source_file', 'record_hash']) }} as row_hash
    from {{ ref('base_paypal__transactions') }}
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
        {{ clean_text('transaction_type_raw') }} as transaction_type
    from transactions
),

final as (
    select
        -- ids
        transaction_id,
        -- recurring payments reference their subscription profile ('I-...')
        case
            when transaction_type = 'Subscription Payment' and left(reference_transaction_id, 2) = 'I-'
                then reference_transaction_id
        end as subscription_id,
        -- refunds reference the payment they refund
        case
            when transaction_type = 'Payment Refund' then reference_transaction_id
        end as refunded_transaction_id,
        reference_transaction_id,
        {{ clean_text('item_id_raw') }} as item_id,

        -- strings
        'paypal' as source_system,
        {{ clean_text('item_title_raw') }} as item_title,
        {{ normalize_name('payer_name_raw') }} as payer_name,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_phone('phone_raw', "coalesce(country_code, '" ~ var('default_phone_country')['paypal'] ~ "')") }}
            as phone_e164,
        phone_raw,
        country_code,
        {{ normalize_email('recipient_email_raw') }} as recipient_email,
        transaction_type,
        order_status,
        source_status,
        balance_impact,
        timezone_abbreviation,
        currency_code,

        -- numerics
        gross_amount,
        fee_amount,
        net_amount,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,
        transaction_type = 'Payment Refund' as is_refund,

        -- timestamps (UTC)
        transacted_at,
        extracted_at,
        source_file,
        row_hash,
        -- the run that (re)loaded the row: data tests check the latest batch (macros/tests_on_batch.sql)
        {{ run_started_timestamp() }} as loaded_at
    from typed
)

select * from final
