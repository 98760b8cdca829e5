{#-
    Every raw web shop shop row, parsed and classified: quarantined (with a reason), superseded by a
    later version of the same shop, or current. stg_webshop__shops keeps the current rows;
    audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
    Timestamps are Postgres timestamptz text ('2025-11-01 10:00:00.123456+00', no fraction when it
    is zero), read with and without the fraction.
-#}
{{ base_model_config('shop_id') }}

{% call ingest_landing_rows('shop_id', ['updated_at', 'extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('webshop', 'shops') }} {{ landing_files_not_ingested() }}
),

currencies as (
    select * from {{ ref('currencies') }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.id), '') as shop_id,
        nullif(trim(source.owner_id), '') as owner_id,

        -- shop
        source.name as shop_name_raw,
        nullif(trim(source.slug), '') as shop_slug,
        upper(nullif(trim(source.currency), '')) as currency_code,
        upper(nullif(trim(source.country), '')) as country_code,

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
        case
            when parsed.shop_id is null then 'missing_record_key'
            when parsed.created_at is null then 'invalid_timestamp'
            when nullif(trim(parsed.updated_at_raw), '') is not null and parsed.updated_at is null
                then 'invalid_timestamp'
            when currencies.currency_code is null then 'unknown_currency'
        end as row_quarantine_reason
    from parsed
    left join currencies
        on parsed.currency_code = currencies.currency_code
)

{% endcall %}
