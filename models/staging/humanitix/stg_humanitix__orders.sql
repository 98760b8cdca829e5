{%- set default_country = var('default_phone_country')['humanitix'] -%}
{#- incremental: records new or changed in the landing data are (re)loaded, records gone from it
    deleted (macros/incremental_changes.sql) -#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_gone_upstream('order_id', ref('base_humanitix__orders'), 'upstream.version_rank = 1') }}",
) }}


with

current_versions as (
    select
        *,
        -- what the staged row is made of: the landing row (the base model's hash of it) and its file
        {{ content_hash(['source_file', 'record_hash']) }} as row_hash
    from {{ ref('base_humanitix__orders') }}
    where quarantine_reason is null and version_rank = 1
),

orders as (
    -- on an incremental run: the records not loaded yet or loaded from another landing row
    select * from current_versions
    {{ new_or_changed_only('current_versions', 'order_id') }}
),

final as (
    select
        -- ids
        order_id,
        order_name,
        event_id,
        user_id,

        -- strings
        'humanitix' as source_system,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_phone('phone_raw', "coalesce(country_code, '" ~ default_country ~ "')") }} as phone_e164,
        phone_raw,
        {{ normalize_name('first_name_raw') }} as first_name,
        {{ normalize_name('last_name_raw') }} as last_name,
        country_code,
        order_status,
        source_status,
        payment_gateway,
        sales_channel,
        discount_code,
        currency_code,

        -- numerics
        ticket_count,
        subtotal_amount,
        discount_amount,
        fee_amount,
        passed_on_fee_amount,
        absorbed_fee_amount,
        refund_amount,
        total_amount,
        net_sales_amount,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,
        is_free,
        coalesce(is_business_purpose, false) as is_business_purpose,
        coalesce(has_marketing_opt_in, false) as has_marketing_opt_in,
        coalesce(is_international, false) as is_international,

        -- timestamps (UTC)
        created_at,
        completed_at,
        updated_at,
        extracted_at,
        source_file,
        row_hash,
        -- the run that (re)loaded the row: data tests check the latest batch (macros/tests_on_batch.sql)
        {{ run_started_timestamp() }} as loaded_at
    from orders
)

select * from final
