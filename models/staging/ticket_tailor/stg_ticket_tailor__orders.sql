{#- incremental: records new or changed in the landing data are (re)loaded, records gone from it
    deleted (macros/incremental_changes.sql) -#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_gone_upstream('order_id', ref('base_ticket_tailor__orders'),
        'upstream.version_rank = 1') }}",
) }}

with

current_versions as (
    select
        *,
        -- what the staged row is made of: the landing row (the base model's hash of it) and its file
        {{ content_hash(['source_file', 'record_hash']) }} as row_hash
    from {{ ref('base_ticket_tailor__orders') }}
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
        event_id,
        event_series_id,
        payment_transaction_id,

        -- strings
        'ticket_tailor' as source_system,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_phone('phone_raw', "'" ~ var('default_phone_country')['ticket_tailor'] ~ "'") }}
            as phone_e164,
        phone_raw,
        {{ normalize_name('first_name_raw') }} as first_name,
        {{ normalize_name('last_name_raw') }} as last_name,
        -- a completed order with a refund is refunded (in full) or partially refunded
        case
            when mapped_status = 'completed' and refund_minor_units > 0 and refund_minor_units >= total_minor_units
                then 'refunded'
            when mapped_status = 'completed' and refund_minor_units > 0
                then 'partially_refunded'
            else mapped_status
        end as order_status,
        source_status,
        payment_method,
        currency_code,

        -- numerics: minor units / the currency's base multiplier
        ticket_count,
        {{ minor_units_to_money('subtotal_minor_units', 'currency_base_multiplier') }} as subtotal_amount,
        {{ minor_units_to_money('tax_minor_units', 'currency_base_multiplier') }} as tax_amount,
        {{ minor_units_to_money('refund_minor_units', 'currency_base_multiplier') }} as refund_amount,
        {{ minor_units_to_money('total_minor_units', 'currency_base_multiplier') }} as total_amount,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,
        total_minor_units = 0 as is_free,
        marketing_opt_in,
        coalesce(marketing_opt_in, false) as has_marketing_opt_in,

        -- timestamps (UTC)
        created_at,
        extracted_at,
        source_file,
        row_hash,
        -- the run that (re)loaded the row: data tests check the latest batch (macros/tests_on_batch.sql)
        {{ run_started_timestamp() }} as loaded_at
    from orders
)

select * from final
