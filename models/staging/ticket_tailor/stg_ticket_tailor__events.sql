with

events as (
    select * from {{ ref('base_ticket_tailor__events') }}
    where quarantine_reason is null and version_rank = 1
),

final as (
    select
        -- ids
        event_id,
        event_series_id,

        -- strings
        'ticket_tailor' as source_system,
        {{ clean_text('event_name_raw') }} as event_name,
        venue_name,
        country_code,
        currency_code,
        event_timezone,
        event_status,

        -- numerics
        {{ minor_units_to_money('default_price_minor_units', 'currency_base_multiplier') }} as ticket_price,

        -- booleans
        coalesce(default_price_minor_units = 0, false) as is_free,

        -- timestamps (UTC)
        starts_at,
        ends_at,
        extracted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from events
)

select * from final
