{#-
    One row per (record, identifier): the emails of valid shape and the E.164 phones of each
    record, and the record's source customer key (an exact key of the source: records with one key
    are one customer). Each row carries the record's name keys, to count the people behind an
    identifier: given_name_key is the first word of the first name, lowercased, with nicknames
    folded to the given name they stand for (seed identity_given_name_nicknames: bob -> robert);
    surname_key is the last word of the last name, lowercased (sources split full names at the
    first space, so 'Mary Ann Smith' is 'Mary' + 'Ann Smith' in one and 'Mary Ann' + 'Smith' in
    another: both give mary / smith). is_secondary: the record holds it in its secondary slot (a
    CRM's household or office Phone beside the Mobile). Emails are normalised again (the contract
    asks for it; a source that forgets must still link).
-#}
with

records as (
    select * from {{ ref('int_customer_identifiers_unioned') }}
),

nicknames as (
    select * from {{ ref('identity_given_name_nicknames') }}
),

named as (
    select
        records.*,
        -- names are staged with their whitespace collapsed (normalize_name): trim is enough here
        nullif(lower(split_part(trim(records.first_name), ' ', 1)), '') as first_word_key,
        lower(reverse(split_part(reverse(trim(records.last_name)), ' ', 1))) as last_word_key
    from records
),

keyed as (
    select
        named.*,
        coalesce(nicknames.given_name, named.first_word_key) as given_name_key,
        nullif(named.last_word_key, '') as surname_key
    from named
    left join nicknames on named.first_word_key = nicknames.nickname
),

identifiers as (
    select
        customer_record_id,
        given_name_key,
        surname_key,
        'email' as identifier_type,
        {{ normalize_email('email') }} as identifier_value,
        false as is_secondary
    from keyed
    union all
    select
        customer_record_id,
        given_name_key,
        surname_key,
        'email' as identifier_type,
        {{ normalize_email('secondary_email') }} as identifier_value,
        true as is_secondary
    from keyed
    union all
    select
        customer_record_id,
        given_name_key,
        surname_key,
        'phone' as identifier_type,
        phone_e164 as identifier_value,
        false as is_secondary
    from keyed
    union all
    select
        customer_record_id,
        given_name_key,
        surname_key,
        'phone' as identifier_type,
        secondary_phone_e164 as identifier_value,
        true as is_secondary
    from keyed
    union all
    select
        customer_record_id,
        given_name_key,
        surname_key,
        'source_key' as identifier_type,
        source_customer_key as identifier_value,
        false as is_secondary
    from keyed
),

final as (
    select
        customer_record_id,
        identifier_type,
        identifier_value,
        given_name_key,
        surname_key,
        {{ dbt.bool_or('is_secondary') }} as is_secondary
    from identifiers
    where
        identifier_value is not null
        and (identifier_type != 'email' or {{ is_valid_email('identifier_value') }})
    group by customer_record_id, identifier_type, identifier_value, given_name_key, surname_key
)

select * from final
