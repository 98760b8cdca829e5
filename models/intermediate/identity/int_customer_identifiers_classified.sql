{#-
    One row per distinct identifier with the evidence for using it as a link:
    - blocklisted: a placeholder in the seed blocklisted_identifiers, or an email matching a
      pattern of the seed identity_system_email_patterns (no-reply, bounce, reserved domains):
      never a link;
    - shared: behind at least var identity_shared_identifier_min_people distinct people: kept on
      the records, never a link. People are told apart by
      * distinct given names, nicknames folded (Bob and Robert are one name): always;
      * distinct surnames under one given name, when at least two distinct identifiers of the other
        kind (emails behind a phone, phones behind an email) corroborate them (a surname alone
        also changes with marriage, and sources split full names differently);
      * distinct emails behind a household line (a landline by its numbering plan, seed
        identity_household_phone_prefixes, or a number some record holds as its secondary phone):
        two Nancy Jacksons, parent and child, on the home phone with two emails are two people,
        where one person's own mobile behind a personal and a work email stays a link.
    - source_key identifiers (a source's own customer key) are exact: never blocklisted or shared.
    is_link: usable to merge records (not guarded, and held by two records or more).
-#}
{%- set min_people = var('identity_shared_identifier_min_people') -%}

with

identifiers as (
    -- one row per (record, identifier), on integer keys
    select * from {{ ref('int_customer_identifiers_keyed') }}
),

identifier_keys as (
    select * from {{ ref('int_customer_identifier_keys') }}
),

blocklist as (
    select * from {{ ref('blocklisted_identifiers') }}
),

system_patterns as (
    select * from {{ ref('identity_system_email_patterns') }}
),

household_prefixes as (
    select * from {{ ref('identity_household_phone_prefixes') }}
),

counts as (
    -- (record, identifier) is unique in identifiers: count(*) counts records. Most identifiers
    -- sit under one name: min = max tells so, and only the others are counted exactly (below).
    select
        identifier_sk,
        count(*) as record_count,
        min(given_name_key) as min_given_name_key,
        max(given_name_key) as max_given_name_key,
        min(given_name_key || ' ' || surname_key) as min_full_name_key,
        max(given_name_key || ' ' || surname_key) as max_full_name_key,
        {{ dbt.bool_or('is_secondary') }} as is_secondary_somewhere
    from identifiers
    group by identifier_sk
),

stats as (
    -- the identifier's type and value, read where the seeds are matched and a person reads them
    select
        counts.*,
        identifier_keys.identifier_type,
        identifier_keys.identifier_value
    from counts
    inner join identifier_keys on counts.identifier_sk = identifier_keys.identifier_sk
),

several_names as (
    select identifier_sk
    from stats
    where min_given_name_key != max_given_name_key or min_full_name_key != max_full_name_key
),

name_counts as (
    select
        identifiers.identifier_sk,
        count(distinct identifiers.given_name_key) as given_name_count,
        count(distinct identifiers.given_name_key || ' ' || identifiers.surname_key) as full_name_count
    from several_names
    inner join identifiers on several_names.identifier_sk = identifiers.identifier_sk
    group by identifiers.identifier_sk
),

system_matches as (
    -- the first matching pattern of each system address (its reason goes to the audit)
    select
        stats.identifier_sk,
        min(system_patterns.pattern) as pattern
    from stats
    inner join system_patterns
        on stats.identifier_type = 'email' and stats.identifier_value like system_patterns.pattern
    group by stats.identifier_sk
),

household_lines as (
    select distinct stats.identifier_sk
    from stats
    inner join household_prefixes
        on
            stats.identifier_type = 'phone'
            and left(stats.identifier_value, length(household_prefixes.e164_prefix)) = household_prefixes.e164_prefix
),

flags as (
    -- what the seeds say about an identifier, one row each (a single join onto every identifier)
    select
        identifier_sk,
        max(blocklist_reason) as blocklist_reason,
        max(system_pattern) as system_pattern,
        max(system_reason) as system_reason,
        {{ dbt.bool_or('is_household_prefix') }} as is_household_prefix
    from (
        select
            stats.identifier_sk,
            blocklist.reason as blocklist_reason,
            cast(null as {{ dbt.type_string() }}) as system_pattern,
            cast(null as {{ dbt.type_string() }}) as system_reason,
            false as is_household_prefix
        from blocklist
        inner join stats
            on
                blocklist.identifier_type = stats.identifier_type
                and blocklist.identifier_value = stats.identifier_value
        union all
        select
            system_matches.identifier_sk,
            cast(null as {{ dbt.type_string() }}) as blocklist_reason,
            system_matches.pattern as system_pattern,
            system_patterns.reason as system_reason,
            false as is_household_prefix
        from system_matches
        inner join system_patterns on system_matches.pattern = system_patterns.pattern
        union all
        select
            identifier_sk,
            cast(null as {{ dbt.type_string() }}) as blocklist_reason,
            cast(null as {{ dbt.type_string() }}) as system_pattern,
            cast(null as {{ dbt.type_string() }}) as system_reason,
            true as is_household_prefix
        from household_lines
    ) as seeded
    group by identifier_sk
),

guarded_by_list as (
    select
        stats.identifier_sk,
        stats.identifier_type,
        stats.identifier_value,
        stats.record_count,
        flags.blocklist_reason,
        flags.system_pattern,
        flags.system_reason,
        coalesce(
            name_counts.given_name_count, case when stats.min_given_name_key is null then 0 else 1 end
        ) as given_name_count,
        coalesce(
            name_counts.full_name_count, case when stats.min_full_name_key is null then 0 else 1 end
        ) as full_name_count,
        coalesce(flags.blocklist_reason is not null or flags.system_pattern is not null, false) as is_blocklisted,
        (
            stats.identifier_type = 'phone'
            and (stats.is_secondary_somewhere or coalesce(flags.is_household_prefix, false))
        ) as is_household_line
    from stats
    left join flags on stats.identifier_sk = flags.identifier_sk
    left join name_counts on stats.identifier_sk = name_counts.identifier_sk
),

candidates as (
    -- identifiers whose people count may depend on the other kind: count it for those alone
    select identifier_sk
    from guarded_by_list
    where
        identifier_type in ('email', 'phone')
        and not is_blocklisted
        and record_count >= 2
        and (full_name_count >= {{ min_people }} or is_household_line)
),

other_kind as (
    -- for each candidate, the identifiers of the other kind on the same records that can tell
    -- people apart (placeholders and system addresses do not)
    select
        identifiers.identifier_sk,
        count(distinct other.identifier_sk) as other_identifier_count
    from candidates
    inner join identifiers on candidates.identifier_sk = identifiers.identifier_sk
    inner join identifiers as other
        on
            identifiers.record_sk = other.record_sk
            and other.identifier_type in ('email', 'phone')
            and identifiers.identifier_type != other.identifier_type
    left join flags as other_flags on other.identifier_sk = other_flags.identifier_sk
    where other_flags.blocklist_reason is null and other_flags.system_pattern is null
    group by identifiers.identifier_sk
),

counted as (
    select
        guarded_by_list.*,
        coalesce(other_kind.other_identifier_count, 0) as other_identifier_count
    from guarded_by_list
    left join other_kind on guarded_by_list.identifier_sk = other_kind.identifier_sk
),

people as (
    select
        *,
        case
            when identifier_type = 'source_key' then 1
            else greatest(
                given_name_count,
                case when other_identifier_count >= 2 then full_name_count else 0 end,
                case when is_household_line then other_identifier_count else 0 end
            )
        end as people_count
    from counted
),

final as (
    select
        {{ surrogate_key(['identifier_type', 'identifier_value']) }} as identifier_id,
        identifier_sk,
        identifier_type,
        identifier_value,
        case
            when blocklist_reason is not null then blocklist_reason
            when system_pattern is not null
                then 'system address: ' || system_reason || ' (pattern ' || system_pattern || ')'
        end as blocklist_reason,
        record_count,
        people_count,
        given_name_count,
        full_name_count,
        other_identifier_count,
        is_blocklisted,
        is_household_line,
        (not is_blocklisted and people_count >= {{ min_people }}) as is_shared
    from people
)

select
    *,
    not is_blocklisted and not is_shared and record_count >= 2 as is_link
from final
