{#- Every raw Ticket Tailor event line, parsed and classified (see base_ticket_tailor__orders). -#}
{{ base_model_config('event_id') }}

{#- the event object has no updated timestamp: the latest extract wins -#}
{% call ingest_landing_rows('event_id', ['extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('ticket_tailor', 'events') }} {{ landing_files_not_ingested() }}
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
        nullif(trim({{ json_text('doc', '$.id') }}), '') as event_id,
        {{ json_text('doc', '$.event_series_id') }} as event_series_id,
        {{ json_text('doc', '$.name') }} as event_name_raw,
        {{ json_text('doc', '$.venue.name') }} as venue_name,
        upper({{ json_text('doc', '$.venue.country') }}) as country_code,
        upper({{ json_text('doc', '$.currency') }}) as currency_code,
        {{ json_text('doc', '$.timezone') }} as event_timezone,
        {{ json_text('doc', '$.status') }} as event_status,
        -- minor units (cents); the event object carries no base multiplier, see classified
        case
            when {{ regex_full_match(json_text('doc', '$.default_price'), '-?[0-9]+') }}
                then cast({{ json_text('doc', '$.default_price') }} as bigint)
        end as default_price_minor_units,
        -- Unix seconds, UTC (see base_ticket_tailor__orders for the 11-digit guard)
        case
            when {{ regex_full_match(json_text('doc', '$.start.unix'), '[0-9]{1,11}') }}
                then {{ utc_from_epoch(json_text('doc', '$.start.unix')) }}
        end as starts_at,
        case
            when {{ regex_full_match(json_text('doc', '$.end.unix'), '[0-9]{1,11}') }}
                then {{ utc_from_epoch(json_text('doc', '$.end.unix')) }}
        end as ends_at,
        {{ utc_from_iso('doc', '$._extracted_at') }} as extracted_at,
        doc is not null as is_valid_json,
        raw_record,
        source_file
    from lines
),

classified as (
    select
        parsed.*,
        -- the event currency's base multiplier, from its number of minor units (2 -> 100)
        cast(power(10, currencies.minor_units) as integer) as currency_base_multiplier,
        case
            when not parsed.is_valid_json then 'malformed_json'
            when parsed.event_id is null then 'missing_record_key'
            when parsed.starts_at is null then 'invalid_timestamp'
        end as row_quarantine_reason
    from parsed
    left join currencies
        on parsed.currency_code = currencies.currency_code
)

{% endcall %}
