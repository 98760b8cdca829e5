{#-
    Every raw erasure request, parsed and classified: quarantined (with a reason), superseded by a
    later copy of the same request, or current. An identifier that cannot be normalised is
    quarantined (invalid_identifier) so that a request never silently erases nobody.
-#}
{{ base_model_config('request_id') }}

{% call ingest_landing_rows('request_id', ['extracted_at', 'source_file', 'requested_at']) %}
with

source as (
    select * from {{ source('privacy', 'erasure_requests') }} {{ landing_files_not_ingested() }}
),

parsed as (
    select
        nullif(trim(source.request_id), '') as request_id,
        lower(nullif(trim(source.identifier_type), '')) as identifier_type,
        source.identifier as identifier_raw,
        case lower(trim(source.identifier_type))
            when 'email' then {{ normalize_email('source.identifier') }}
            -- international format only: no source country to read a national number with
            when 'phone' then
                case
                    when trim(source.identifier) like '+%'
                        then {{ normalize_phone('source.identifier', "'US'") }}
                end
        end as identifier_value,
        {{ utc_from_iso_text('source.requested_at') }} as requested_at,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

classified as (
    select
        *,
        case
            when request_id is null then 'missing_record_key'
            when requested_at is null then 'invalid_timestamp'
            when identifier_value is null then 'invalid_identifier'
        end as row_quarantine_reason
    from parsed
)

{% endcall %}
