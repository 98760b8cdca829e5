with

contacts as (
    select * from {{ ref('base_kajabi__contacts') }}
    where quarantine_reason is null and version_rank = 1
),

named as (
    select
        *,
        {{ normalize_name('full_name_raw') }} as full_name
    from contacts
),

final as (
    select
        -- ids
        contact_id,

        -- strings
        'kajabi' as source_system,
        full_name,
        -- best-effort split on the first space; a one-word name has no last name
        {{ first_word('full_name') }} as first_name,
        {{ after_first_word('full_name') }} as last_name,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_phone('phone_raw', "'" ~ var('default_phone_country')['kajabi'] ~ "'") }} as phone_e164,
        phone_raw,
        {{ clean_text('city_raw') }} as city,
        {{ clean_text('state_raw') }} as state,
        country_code,
        {{ clean_text('tags_raw') }} as tags,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,
        coalesce(is_subscribed, false) as is_subscribed,

        -- timestamps (UTC)
        created_at,
        updated_at,
        extracted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from named
)

select * from final
