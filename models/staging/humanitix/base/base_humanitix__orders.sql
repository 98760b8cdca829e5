{#-
    Every raw Humanitix order line, parsed and classified: quarantined (with a reason), superseded
    by a later version of the same order, or current. stg_humanitix__orders keeps the current rows;
    audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
-#}
{{ base_model_config('order_id') }}

{% call ingest_landing_rows('order_id', ['updated_at', 'extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('humanitix', 'orders') }} {{ landing_files_not_ingested() }}
),

status_map as (
    select * from {{ ref('status_map') }}
    where source_system = 'humanitix'
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
        nullif(trim({{ json_text('doc', '$._id') }}), '') as order_id,
        {{ json_text('doc', '$.orderName') }} as order_name,
        {{ json_text('doc', '$.eventId') }} as event_id,
        {{ json_text('doc', '$.userId') }} as user_id,

        -- buyer
        {{ json_text('doc', '$.email') }} as email_raw,
        {{ json_text('doc', '$.mobile') }} as phone_raw,
        {{ json_text('doc', '$.firstName') }} as first_name_raw,
        {{ json_text('doc', '$.lastName') }} as last_name_raw,
        upper({{ json_text('doc', '$.location') }}) as country_code,

        -- order
        {{ json_text('doc', '$.status') }} as source_order_status,
        {{ json_text('doc', '$.financialStatus') }} as source_status,
        {{ json_text('doc', '$.paymentGateway') }} as payment_gateway,
        {{ json_text('doc', '$.salesChannel') }} as sales_channel,
        {{ json_text('doc', '$.discounts.discountCode') }} as discount_code,
        upper({{ json_text('doc', '$.currency') }}) as currency_code,
        {{ try_cast(json_array_length_at('doc', '$.tickets'), 'integer') }} as ticket_count,

        -- money, as the API reports it (decimal dollars)
        {{ parse_money(json_text('doc', '$.totals.subtotal')) }} as subtotal_amount,
        {{ parse_money(json_text('doc', '$.totals.discounts')) }} as discount_amount,
        {{ parse_money(json_text('doc', '$.totals.bookingFee')) }} as fee_amount,
        {{ parse_money(json_text('doc', '$.totals.passedOnFee')) }} as passed_on_fee_amount,
        {{ parse_money(json_text('doc', '$.totals.absorbedFee')) }} as absorbed_fee_amount,
        {{ parse_money(json_text('doc', '$.totals.refunds')) }} as refund_amount,
        {{ parse_money(json_text('doc', '$.totals.total')) }} as total_amount,
        {{ parse_money(json_text('doc', '$.totals.netSales')) }} as net_sales_amount,

        -- flags
        {{ try_cast(json_text('doc', '$.businessPurpose'), 'boolean') }} as is_business_purpose,
        {{ try_cast(json_text('doc', '$.organiserMailListOptIn'), 'boolean') }} as has_marketing_opt_in,
        {{ try_cast(json_text('doc', '$.isInternationalTransaction'), 'boolean') }} as is_international,

        -- timestamps: ISO-8601 with Z, kept as UTC
        {{ utc_from_iso('doc', '$.createdAt') }} as created_at,
        {{ utc_from_iso('doc', '$.completedAt') }} as completed_at,
        {{ utc_from_iso('doc', '$.updatedAt') }} as updated_at,
        {{ utc_from_iso('doc', '$._extracted_at') }} as extracted_at,

        -- lineage
        {{ json_text('doc', '$.createdAt') }} as created_at_raw,
        doc is not null as is_valid_json,
        raw_record,
        source_file
    from lines
),

classified as (
    select
        parsed.*,
        status_map.order_status,
        coalesce(status_map.is_free, false) as is_free,
        case
            when not parsed.is_valid_json then 'malformed_json'
            when parsed.order_id is null then 'missing_record_key'
            when parsed.created_at is null then 'invalid_timestamp'
            when parsed.total_amount is null then 'invalid_amount'
            -- an order total is never negative in Humanitix (a refund is totals.refunds)
            when parsed.total_amount < 0 or parsed.subtotal_amount < 0 then 'negative_amount'
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
