{#-
    Every raw Ticket Tailor order line, parsed and classified: quarantined (with a reason), superseded
    by a later version of the same order, or current. stg_ticket_tailor__orders keeps the current
    rows; audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
    Amounts stay in minor units (integers) with the order's currency base multiplier; staging turns
    them into money.
-#}
{{ base_model_config('order_id') }}

{#- orders carry no updated timestamp: the latest extract wins -#}
{% call ingest_landing_rows('order_id', ['extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('ticket_tailor', 'orders') }} {{ landing_files_not_ingested() }}
),

status_map as (
    select * from {{ ref('status_map') }}
    where source_system = 'ticket_tailor'
),

currencies as (
    select * from {{ ref('currencies') }}
),

lines as (
    select
        line as raw_record,
        filename as source_file,
        case when {{ is_valid_json('line') }} then line end as doc
    from source
),

parsed as (
    select
        -- ids
        nullif(trim({{ json_text('doc', '$.id') }}), '') as order_id,
        {{ json_text('doc', '$.event_summary.id') }} as event_id,
        {{ json_text('doc', '$.event_summary.event_series_id') }} as event_series_id,
        {{ json_text('doc', '$.txn_id') }} as payment_transaction_id,

        -- buyer
        {{ json_text('doc', '$.buyer_details.email') }} as email_raw,
        {{ json_text('doc', '$.buyer_details.phone') }} as phone_raw,
        {{ json_text('doc', '$.buyer_details.first_name') }} as first_name_raw,
        {{ json_text('doc', '$.buyer_details.last_name') }} as last_name_raw,

        -- order
        {{ json_text('doc', '$.status') }} as source_status,
        {{ json_text('doc', '$.payment_method.type') }} as payment_method,
        upper({{ json_text('doc', '$.currency.code') }}) as currency_code,
        -- the quantities of all line items, summed (0 for an empty list)
        {{ json_array_sum('doc', '$.line_items', 'quantity') }} as ticket_count,

        -- money in minor units (cents): only whole numbers are valid
        case
            when {{ regex_full_match(json_text('doc', '$.currency.base_multiplier'), '[0-9]+') }}
                then {{ try_cast(json_text('doc', '$.currency.base_multiplier'), 'integer') }}
        end as currency_base_multiplier,
        case
            when {{ regex_full_match(json_text('doc', '$.subtotal'), '-?[0-9]+') }}
                then {{ try_cast(json_text('doc', '$.subtotal'), 'bigint') }}
        end as subtotal_minor_units,
        case
            when {{ regex_full_match(json_text('doc', '$.tax'), '-?[0-9]+') }}
                then {{ try_cast(json_text('doc', '$.tax'), 'bigint') }}
        end as tax_minor_units,
        case
            when {{ regex_full_match(json_text('doc', '$.total'), '-?[0-9]+') }}
                then {{ try_cast(json_text('doc', '$.total'), 'bigint') }}
        end as total_minor_units,
        case
            when {{ regex_full_match(json_text('doc', '$.refund_amount'), '-?[0-9]+') }}
                then {{ try_cast(json_text('doc', '$.refund_amount'), 'bigint') }}
        end as refund_minor_units,
        {{ json_text('doc', '$.refund_amount') }} as refund_amount_raw,

        -- flags: NULL when the buyer was not asked or made no choice
        {{ try_cast(json_text('doc', '$.marketing_opt_in'), 'boolean') }} as marketing_opt_in,

        -- timestamps: Unix seconds, UTC (a value in milliseconds is NULL, so quarantined)
        {{ utc_from_epoch(json_text('doc', '$.created_at')) }} as created_at,
        {{ utc_from_iso('doc', '$._extracted_at') }} as extracted_at,

        -- lineage
        {{ json_text('doc', '$.created_at') }} as created_at_raw,
        doc is not null as is_valid_json,
        raw_record,
        source_file
    from lines
),

classified as (
    select
        parsed.*,
        status_map.order_status as mapped_status,
        case
            when not parsed.is_valid_json then 'malformed_json'
            when parsed.order_id is null then 'missing_record_key'
            when parsed.created_at is null then 'invalid_timestamp'
            when
                parsed.total_minor_units is null
                or coalesce(parsed.currency_base_multiplier, 0) = 0
                or (parsed.refund_amount_raw is not null and parsed.refund_minor_units is null)
                then 'invalid_amount'
            -- totals are never negative in Ticket Tailor (a refund is refund_amount)
            when parsed.total_minor_units < 0 or parsed.refund_minor_units < 0 then 'negative_amount'
            when currencies.currency_code is null then 'unknown_currency'
            {{ order_date_quarantine('parsed.created_at', 'parsed.extracted_at') }}
            when status_map.order_status is null then 'unknown_status'
        end as row_quarantine_reason
    from parsed
    left join status_map
        on parsed.source_status = status_map.source_status
    left join currencies
        on parsed.currency_code = currencies.currency_code
    {{ order_fx_joins('parsed.created_at', 'parsed.currency_code') }}
)

{% endcall %}
