-- Emails and phones identity resolution refused to link on, and why: blocklisted placeholders
-- (seed blocklisted_identifiers), system addresses (seed identity_system_email_patterns) and
-- identifiers shared by several people (a family or office line, a couple's email). They stay on
-- the records; they just never merge anyone. guard_reason gives the evidence the guard used.
with

identifiers as (
    select * from {{ ref('int_customer_identifiers_classified') }}
    where is_blocklisted or is_shared
),

final as (
    select
        identifier_id,
        identifier_type,
        identifier_value,
        record_count,
        people_count,
        given_name_count,
        full_name_count,
        other_identifier_count,
        is_household_line,
        case
            when is_blocklisted and blocklist_reason like 'system address:%' then 'system_address'
            when is_blocklisted then 'blocklisted'
            else 'shared'
        end as guard,
        case
            when is_blocklisted then blocklist_reason
            else
                people_count || ' people: ' || given_name_count || ' given names (nicknames folded), '
                || full_name_count || ' full names, ' || other_identifier_count
                || case when identifier_type = 'phone' then ' emails' else ' phones' end
                || case when is_household_line then ', household line' else '' end
        end as guard_reason
    from identifiers
)

select * from final
