-- One row per (record, identifier): the emails of valid shape and the E.164 phones of each record,
-- with the record's first name (to count the people behind an identifier). Emails are normalised
-- again (the contract asks for it; a source that forgets must still link).
with

records as (
    select * from {{ ref('int_customer_identifiers_unioned') }}
),

identifiers as (
    select
        customer_record_id,
        first_name,
        'email' as identifier_type,
        {{ normalize_email('email') }} as identifier_value
    from records
    union all
    select
        customer_record_id,
        first_name,
        'email' as identifier_type,
        {{ normalize_email('secondary_email') }} as identifier_value
    from records
    union all
    select
        customer_record_id,
        first_name,
        'phone' as identifier_type,
        phone_e164 as identifier_value
    from records
    union all
    select
        customer_record_id,
        first_name,
        'phone' as identifier_type,
        secondary_phone_e164 as identifier_value
    from records
),

final as (
    select distinct
        customer_record_id,
        identifier_type,
        identifier_value,
        lower(first_name) as first_name_key
    from identifiers
    where
        identifier_value is not null
        and (identifier_type = 'phone' or {{ is_valid_email('identifier_value') }})
)

select * from final
