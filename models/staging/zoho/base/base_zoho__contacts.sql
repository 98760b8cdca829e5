{#-
    Every raw Zoho CRM contact row, parsed and classified: quarantined (with a reason), superseded
    by a later version of the same contact, or current. stg_zoho__contacts keeps the current rows;
    audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
    Zoho writes times in the org's local time without an offset: they are read in
    var('zoho_org_timezone') and converted to UTC.
-#}
{{ base_model_config('contact_id') }}

{%- set org_timezone = "'" ~ var('zoho_org_timezone') ~ "'" %}
{%- set local_format = '%Y-%m-%d %H:%M:%S' %}
{% call ingest_landing_rows('contact_id', ['updated_at', 'extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('zoho', 'contacts') }} {{ landing_files_not_ingested() }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.{{ adapter.quote('Record Id') }}), '') as contact_id,

        -- contact
        source.{{ adapter.quote('Contact Owner') }} as contact_owner,
        source.{{ adapter.quote('First Name') }} as first_name_raw,
        source.{{ adapter.quote('Last Name') }} as last_name_raw,
        source.{{ adapter.quote('Email') }} as email_raw,
        source.{{ adapter.quote('Secondary Email') }} as secondary_email_raw,
        source.{{ adapter.quote('Phone') }} as phone_raw,
        source.{{ adapter.quote('Mobile') }} as mobile_raw,
        source.{{ adapter.quote('Mailing City') }} as mailing_city,
        source.{{ adapter.quote('Mailing Country') }} as mailing_country,
        source.{{ adapter.quote('Lead Source') }} as lead_source,

        -- flags
        {{ try_cast('trim(source.' ~ adapter.quote('Email Opt Out') ~ ')', 'boolean') }} as email_opt_out,

        -- timestamps: local org time without offset -> UTC
        {{ utc_from_local('source.' ~ adapter.quote('Created Time'), local_format, org_timezone) }} as created_at,
        {{ utc_from_local('source.' ~ adapter.quote('Modified Time'), local_format, org_timezone) }} as updated_at,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,

        -- lineage
        source.{{ adapter.quote('Created Time') }} as created_time_raw,
        source.{{ adapter.quote('Modified Time') }} as modified_time_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

classified as (
    select
        *,
        case
            when contact_id is null then 'missing_record_key'
            when
                created_at is null
                or (modified_time_raw is not null and updated_at is null)
                then 'invalid_timestamp'
        end as row_quarantine_reason
    from parsed
)

{% endcall %}
