{#-
    One row per distinct identifier with the evidence for using it as a link:
    - blocklisted (seed blocklisted_identifiers): a placeholder, never a link;
    - shared: behind at least var identity_shared_identifier_min_people distinct people (distinct
      first names) and at least two distinct identifiers of the other kind (emails behind a phone,
      phones behind an email), like a family or office line: kept on the records, never a link.
    The second condition keeps one person whose name is spelt two ways from blocking their own
    identifier. is_link: usable to merge records (and shared by two records or more).
-#}
with

identifiers as (
    select * from {{ ref('int_customer_identifiers_unpivoted') }}
),

blocklist as (
    select * from {{ ref('blocklisted_identifiers') }}
),

stats as (
    select
        identifier_type,
        identifier_value,
        count(distinct customer_record_id) as record_count,
        count(distinct first_name_key) as people_count
    from identifiers
    group by identifier_type, identifier_value
),

candidates as (
    -- only an identifier behind enough people can be shared: count the other kind for those alone
    select
        identifier_type,
        identifier_value
    from stats
    where people_count >= {{ var('identity_shared_identifier_min_people') }}
),

other_kind as (
    -- for each candidate, the identifiers of the other kind on the same records
    select
        identifiers.identifier_type,
        identifiers.identifier_value,
        count(distinct other.identifier_value) as other_identifier_count
    from candidates
    inner join identifiers
        on
            candidates.identifier_type = identifiers.identifier_type
            and candidates.identifier_value = identifiers.identifier_value
    inner join identifiers as other
        on
            identifiers.customer_record_id = other.customer_record_id
            and identifiers.identifier_type != other.identifier_type
    group by identifiers.identifier_type, identifiers.identifier_value
),

final as (
    select
        {{ surrogate_key(['stats.identifier_type', 'stats.identifier_value']) }} as identifier_id,
        stats.identifier_type,
        stats.identifier_value,
        blocklist.reason as blocklist_reason,
        stats.record_count,
        stats.people_count,
        coalesce(other_kind.other_identifier_count, 0) as other_identifier_count,
        blocklist.identifier_value is not null as is_blocklisted,
        (
            stats.people_count >= {{ var('identity_shared_identifier_min_people') }}
            and coalesce(other_kind.other_identifier_count, 0) >= 2
        ) as is_shared
    from stats
    left join other_kind
        on
            stats.identifier_type = other_kind.identifier_type
            and stats.identifier_value = other_kind.identifier_value
    left join blocklist
        on
            stats.identifier_type = blocklist.identifier_type
            and stats.identifier_value = blocklist.identifier_value
)

select
    *,
    not is_blocklisted and not is_shared and record_count >= 2 as is_link
from final
