{#-
    Every raw web shop customer row, parsed and classified: quarantined (with a reason), superseded
    by a later version of the same customer, or current. stg_webshop__shop_customers keeps the
    current rows; audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
    The purchase totals are kept as the shop app computed them.
-#}
{{ base_model_config('shop_customer_id') }}

{% call ingest_landing_rows('shop_customer_id', ['updated_at', 'extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('webshop', 'shop_customers') }} {{ landing_files_not_ingested() }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.id), '') as shop_customer_id,
        nullif(trim(source.shop_id), '') as shop_id,

        -- customer as typed at checkout
        source.name as full_name_raw,
        source.email as email_raw,
        source.phone as phone_raw,
        nullif(trim(source.first_source_slug), '') as first_source_slug,

        -- totals as the shop app computed them
        {{ try_cast('trim(source.total_purchases)', 'integer') }} as total_purchases,
        {{ parse_money('source.total_spent') }} as total_spent,
        {{ try_cast('trim(source.repeat_customer)', 'boolean') }} as is_repeat_customer,

        -- timestamps: timestamptz text, converted to UTC
        {{ utc_from_postgres('source.first_purchase_at') }} as first_purchase_at,
        {{ utc_from_postgres('source.last_purchase_at') }} as last_purchase_at,
        {{ utc_from_postgres('source.created_at') }} as created_at,
        {{ utc_from_postgres('source.updated_at') }} as updated_at,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,

        -- lineage
        source.first_purchase_at as first_purchase_at_raw,
        source.last_purchase_at as last_purchase_at_raw,
        source.created_at as created_at_raw,
        source.updated_at as updated_at_raw,
        source.total_spent as total_spent_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

classified as (
    select
        *,
        case
            when shop_customer_id is null then 'missing_record_key'
            when created_at is null then 'invalid_timestamp'
            when nullif(trim(updated_at_raw), '') is not null and updated_at is null then 'invalid_timestamp'
            when nullif(trim(first_purchase_at_raw), '') is not null and first_purchase_at is null
                then 'invalid_timestamp'
            when nullif(trim(last_purchase_at_raw), '') is not null and last_purchase_at is null
                then 'invalid_timestamp'
            when nullif(trim(total_spent_raw), '') is not null and total_spent is null then 'invalid_amount'
            when total_spent < 0 then 'negative_amount'
            when shop_id is null then 'missing_reference'
        end as row_quarantine_reason
    from parsed
)

{% endcall %}
