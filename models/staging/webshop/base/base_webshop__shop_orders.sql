{#-
    Every raw web shop order row, parsed and classified: quarantined (with a reason), superseded by
    a later version of the same order, or current. stg_webshop__shop_orders keeps the current rows;
    audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
    An order must name its shop (missing_reference otherwise); shop_customer_id is legitimately
    empty for orders taken before customer tracking started.
-#}
{{ base_model_config('shop_order_id') }}

{% call ingest_landing_rows('shop_order_id', ['updated_at', 'extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('webshop', 'shop_orders') }} {{ landing_files_not_ingested() }}
),

status_map as (
    select * from {{ ref('status_map') }}
    where source_system = 'webshop'
),

currencies as (
    select * from {{ ref('currencies') }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.id), '') as shop_order_id,
        nullif(trim(source.shop_id), '') as shop_id,
        nullif(trim(source.shop_customer_id), '') as shop_customer_id,

        -- customer as typed at checkout
        source.customer_name as customer_name_raw,
        source.customer_email as email_raw,
        source.customer_phone as phone_raw,

        -- order
        nullif(trim(source.network), '') as network,
        nullif(trim(source.package), '') as package_name,
        {{ try_cast('trim(source.quantity)', 'integer') }} as quantity,
        nullif(trim(source.status), '') as source_status,
        nullif(trim(source.payment_reference), '') as payment_reference,
        upper(nullif(trim(source.currency), '')) as currency_code,

        -- money, as exported (decimal cedis)
        {{ parse_money('source.amount') }} as amount,

        -- timestamps: timestamptz text, converted to UTC
        {{ utc_from_postgres('source.created_at') }} as created_at,
        {{ utc_from_postgres('source.updated_at') }} as updated_at,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,

        -- lineage
        source.created_at as created_at_raw,
        source.updated_at as updated_at_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

classified as (
    select
        parsed.*,
        status_map.order_status,
        case
            when parsed.shop_order_id is null then 'missing_record_key'
            when parsed.created_at is null then 'invalid_timestamp'
            when nullif(trim(parsed.updated_at_raw), '') is not null and parsed.updated_at is null
                then 'invalid_timestamp'
            when parsed.amount is null then 'invalid_amount'
            when parsed.amount < 0 then 'negative_amount'
            when currencies.currency_code is null then 'unknown_currency'
            {{ order_date_quarantine('parsed.created_at', 'parsed.extracted_at') }}
            when status_map.order_status is null then 'unknown_status'
            when parsed.shop_id is null then 'missing_reference'
        end as row_quarantine_reason
    from parsed
    left join status_map
        on parsed.source_status = status_map.source_status
    left join currencies
        on parsed.currency_code = currencies.currency_code
    {{ order_fx_joins('parsed.created_at', 'parsed.currency_code') }}
)

{% endcall %}
