with

contacts as (
    select * from {{ ref('base_zoho__contacts') }}
    where quarantine_reason is null and version_rank = 1
),

final as (
    select
        -- ids
        contact_id,

        -- strings
        'zoho' as source_system,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_email('secondary_email_raw') }} as secondary_email,
        secondary_email_raw,
        {{ normalize_phone('phone_raw', "'" ~ var('default_phone_country')['zoho'] ~ "'") }} as phone_e164,
        phone_raw,
        {{ normalize_phone('mobile_raw', "'" ~ var('default_phone_country')['zoho'] ~ "'") }} as mobile_e164,
        mobile_raw,
        {{ normalize_name('first_name_raw') }} as first_name,
        {{ normalize_name('last_name_raw') }} as last_name,
        {{ clean_text('mailing_city') }} as mailing_city,
        {{ clean_text('mailing_country') }} as mailing_country,
        {{ clean_text('lead_source') }} as lead_source,
        {{ clean_text('contact_owner') }} as contact_owner,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,
        coalesce(email_opt_out, false) as has_email_opt_out,

        -- timestamps (UTC)
        created_at,
        updated_at,
        extracted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from contacts
)

select * from final
