-- Emails and phones identity resolution refused to link on, and why: blocklisted placeholders
-- (seed blocklisted_identifiers) and identifiers shared by several people (a family or office
-- line). They stay on the records; they just never merge anyone.
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
        other_identifier_count,
        case when is_blocklisted then 'blocklisted' else 'shared' end as guard,
        case
            when is_blocklisted then blocklist_reason
            else
                people_count || ' people (distinct first names) and ' || other_identifier_count
                || case when identifier_type = 'phone' then ' emails' else ' phones' end
        end as guard_reason
    from identifiers
)

select * from final
