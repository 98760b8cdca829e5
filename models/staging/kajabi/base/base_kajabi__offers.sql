{#-
    Every raw Kajabi offer row, parsed and classified: quarantined (with a reason), superseded by a
    later export of the same offer, or current. stg_kajabi__offers keeps the current rows;
    audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
-#}
{{ base_model_config('offer_id') }}

{% call ingest_landing_rows('offer_id', ['extracted_at', 'source_file', 'created_at']) %}
with

source as (
    select * from {{ source('kajabi', 'offers') }} {{ landing_files_not_ingested() }}
),

currencies as (
    select * from {{ ref('currencies') }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.{{ adapter.quote('ID') }}), '') as offer_id,

        -- offer
        source.{{ adapter.quote('Title') }} as offer_title_raw,
        lower(nullif(trim(source.{{ adapter.quote('Payment Type') }}), '')) as payment_type,
        lower(nullif(trim(source.{{ adapter.quote('Interval') }}), '')) as billing_interval,
        lower(nullif(trim(source.{{ adapter.quote('Status') }}), '')) as offer_status,
        upper(nullif(trim(source.{{ adapter.quote('Currency') }}), '')) as currency_code,
        {{ parse_money('source.' ~ adapter.quote('Price')) }} as price,

        -- timestamps: local time with the account's UTC offset, converted to UTC
        {{ utc_from_text('source.' ~ adapter.quote('Created At'), '%Y-%m-%d %H:%M:%S %z') }} as created_at,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,

        -- lineage
        source.{{ adapter.quote('Created At') }} as created_at_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

classified as (
    select
        parsed.*,
        case
            when parsed.offer_id is null then 'missing_record_key'
            when parsed.created_at is null then 'invalid_timestamp'
            when parsed.price is null then 'invalid_amount'
            when parsed.price < 0 then 'negative_amount'
            when currencies.currency_code is null then 'unknown_currency'
        end as row_quarantine_reason
    from parsed
    left join currencies
        on parsed.currency_code = currencies.currency_code
)

{% endcall %}
