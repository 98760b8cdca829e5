{#-
    Every raw Kajabi transaction row, parsed and classified: quarantined (with a reason), superseded
    by a later export of the same transaction, or current. stg_kajabi__transactions keeps the
    current rows; audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
    Refunds are their own rows with a negative amount, so a negative amount is not a reason.
-#}
{{ base_model_config('transaction_id') }}

{% call ingest_landing_rows('transaction_id', ['extracted_at', 'source_file', 'created_at']) %}
with

source as (
    select * from {{ source('kajabi', 'transactions') }} {{ landing_files_not_ingested() }}
),

status_map as (
    select * from {{ ref('status_map') }}
    where source_system = 'kajabi'
),

currencies as (
    select * from {{ ref('currencies') }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.{{ adapter.quote('ID') }}), '') as transaction_id,
        nullif(trim(source.{{ adapter.quote('Customer ID') }}), '') as customer_id,
        nullif(trim(source.{{ adapter.quote('Offer ID') }}), '') as offer_id,

        -- customer as written on the transaction
        source.{{ adapter.quote('Customer Name') }} as customer_name_raw,
        source.{{ adapter.quote('Customer Email') }} as customer_email_raw,

        -- transaction
        source.{{ adapter.quote('Type') }} as transaction_type_raw,
        nullif(trim(source.{{ adapter.quote('Status') }}), '') as source_status,
        source.{{ adapter.quote('Offer Title') }} as offer_title_raw,
        nullif(trim(source.{{ adapter.quote('Coupon Used') }}), '') as coupon_code,
        lower(nullif(trim(source.{{ adapter.quote('Payment Method') }}), '')) as payment_method,
        lower(nullif(trim(source.{{ adapter.quote('Provider') }}), '')) as payment_provider,
        upper(nullif(trim(source.{{ adapter.quote('Currency') }}), '')) as currency_code,
        {{ try_cast('trim(source.' ~ adapter.quote('Quantity') ~ ')', 'integer') }} as quantity,

        -- money, as exported (decimal dollars; refunds negative)
        {{ parse_money('source.' ~ adapter.quote('Amount')) }} as amount,
        {{ parse_money('source.' ~ adapter.quote('Sales Tax')) }} as sales_tax_amount,

        -- timestamps: local time with the account's UTC offset, converted to UTC
        {{ utc_from_text('source.' ~ adapter.quote('Created At'), '%Y-%m-%d %H:%M:%S %z') }} as created_at,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,

        -- lineage
        source.{{ adapter.quote('Created At') }} as created_at_raw,
        source.{{ adapter.quote('Sales Tax') }} as sales_tax_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

classified as (
    select
        parsed.*,
        status_map.order_status,
        case
            when parsed.transaction_id is null then 'missing_record_key'
            when parsed.created_at is null then 'invalid_timestamp'
            when parsed.amount is null then 'invalid_amount'
            when nullif(trim(parsed.sales_tax_raw), '') is not null and parsed.sales_tax_amount is null
                then 'invalid_amount'
            -- only a refund is negative in Kajabi's export
            when parsed.amount < 0 and lower(trim(parsed.transaction_type_raw)) != 'refund' then 'negative_amount'
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
