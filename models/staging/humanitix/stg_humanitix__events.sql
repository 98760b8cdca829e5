with

events as (
    select * from {{ ref('base_humanitix__events') }}
    where quarantine_reason is null and version_rank = 1
),

final as (
    select
        -- ids
        event_id,
        organiser_id,

        -- strings
        'humanitix' as source_system,
        {{ clean_text('event_name_raw') }} as event_name,
        venue_name,
        city,
        region,
        country_code,
        currency_code,
        event_timezone,

        -- numerics
        ticket_price,

        -- booleans
        coalesce(is_free, false) as is_free,
        coalesce(is_published, false) as is_published,

        -- timestamps (UTC)
        starts_at,
        ends_at,
        created_at,
        updated_at,
        extracted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from events
)

select * from final
