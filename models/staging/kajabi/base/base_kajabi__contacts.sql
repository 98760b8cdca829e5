{#-
    Every raw Kajabi contact row (both exports), parsed and classified: quarantined (with a reason),
    superseded by a later version of the same contact (the later export or a later Updated At), or
    current. stg_kajabi__contacts keeps the current rows; audit_quarantined_rows lists the
    quarantined ones. Nothing is dropped here.
-#}
{{ base_model_config('contact_id') }}

{% call ingest_landing_rows('contact_id', ['updated_at', 'extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('kajabi', 'contacts') }} {{ landing_files_not_ingested() }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.{{ adapter.quote('ID') }}), '') as contact_id,

        -- contact
        source.{{ adapter.quote('Name') }} as full_name_raw,
        source.{{ adapter.quote('Email') }} as email_raw,
        source.{{ adapter.quote('Phone Number') }} as phone_raw,
        source.{{ adapter.quote('City') }} as city_raw,
        source.{{ adapter.quote('State') }} as state_raw,
        upper(nullif(trim(source.{{ adapter.quote('Country') }}), '')) as country_code,
        source.{{ adapter.quote('Tags') }} as tags_raw,
        {{ try_cast('trim(source.' ~ adapter.quote('Subscribed') ~ ')', 'boolean') }} as is_subscribed,

        -- timestamps: local time with the account's UTC offset, converted to UTC
        {{ utc_from_text('source.' ~ adapter.quote('Created At'), '%Y-%m-%d %H:%M:%S %z') }} as created_at,
        {{ utc_from_text('source.' ~ adapter.quote('Updated At'), '%Y-%m-%d %H:%M:%S %z') }} as updated_at,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,

        -- lineage
        source.{{ adapter.quote('Created At') }} as created_at_raw,
        source.{{ adapter.quote('Updated At') }} as updated_at_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

classified as (
    select
        *,
        case
            when contact_id is null then 'missing_record_key'
            when created_at is null then 'invalid_timestamp'
            when nullif(trim(updated_at_raw), '') is not null and updated_at is null then 'invalid_timestamp'
        end as row_quarantine_reason
    from parsed
)

{% endcall %}
