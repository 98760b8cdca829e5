{#- Every raw Humanitix event line, parsed and classified (see base_humanitix__orders). -#}
{{ base_model_config('event_id') }}

{% call ingest_landing_rows('event_id', ['updated_at', 'extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('humanitix', 'events') }} {{ landing_files_not_ingested() }}
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
        nullif(trim({{ json_text('doc', '$._id') }}), '') as event_id,
        {{ json_text('doc', '$.organiserId') }} as organiser_id,
        {{ json_text('doc', '$.name') }} as event_name_raw,
        {{ json_text('doc', '$.eventLocation.venueName') }} as venue_name,
        {{ json_text('doc', '$.eventLocation.city') }} as city,
        {{ json_text('doc', '$.eventLocation.region') }} as region,
        upper({{ json_text('doc', '$.eventLocation.country') }}) as country_code,
        upper({{ json_text('doc', '$.currency') }}) as currency_code,
        {{ json_text('doc', '$.timezone') }} as event_timezone,
        {{ parse_money(json_text('doc', '$.ticketPrice')) }} as ticket_price,
        {{ try_cast(json_text('doc', '$.isFree'), 'boolean') }} as is_free,
        {{ try_cast(json_text('doc', '$.published'), 'boolean') }} as is_published,
        {{ utc_from_iso('doc', '$.startDate') }} as starts_at,
        {{ utc_from_iso('doc', '$.endDate') }} as ends_at,
        {{ utc_from_iso('doc', '$.createdAt') }} as created_at,
        {{ utc_from_iso('doc', '$.updatedAt') }} as updated_at,
        {{ utc_from_iso('doc', '$._extracted_at') }} as extracted_at,
        doc is not null as is_valid_json,
        raw_record,
        source_file
    from lines
),

classified as (
    select
        *,
        case
            when not is_valid_json then 'malformed_json'
            when event_id is null then 'missing_record_key'
            when starts_at is null then 'invalid_timestamp'
        end as row_quarantine_reason
    from parsed
)

{% endcall %}
