{#-
    History of customer ids that stopped being used: in a run where a record's customer_id
    changed, one row per (old id, new id). change_type 'merge' when the old id is gone (its
    records were merged into another customer), 'split' when it lives on in another component
    and some of its records moved out. Appended run by run, like Snowplow's identity stitching.
    merge_evidence: for a merge, the kinds of linking identifier (email, phone, source_key) the
    moved records share with the records they joined, sorted; NULL for a split (its cause is a
    link that no longer holds: audit_identity_guarded_identifiers shows the guards).
-#}
{#- Spark without Delta: append (each run's changes are later than every earlier one). -#}
{{ config(
    materialized='incremental',
    unique_key=['absorbed_customer_id', 'surviving_customer_id', 'changed_at'],
    incremental_strategy='append' if target.type == 'spark' else 'delete+insert',
) }}

with

ids as (
    select * from {{ ref('int_customer_ids') }}
),

identifiers as (
    select * from {{ ref('int_customer_identifiers_unpivoted') }}
),

classified as (
    select * from {{ ref('int_customer_identifiers_classified') }}
),

still_used as (
    select distinct customer_id from ids
),

links as (
    select
        identifiers.customer_record_id,
        identifiers.identifier_type,
        identifiers.identifier_value
    from identifiers
    inner join classified
        on
            identifiers.identifier_type = classified.identifier_type
            and identifiers.identifier_value = classified.identifier_value
    where classified.is_link
),

moved as (
    select
        customer_record_id,
        previous_customer_id as absorbed_customer_id,
        customer_id as surviving_customer_id
    from ids
    where previous_customer_id is not null and previous_customer_id != customer_id
),

-- the links of the moved records, and the records holding the same links: started from the moved
-- records (few) through a distinct, so the plan cannot join every link to every other first (26.7M
-- rows at 1M records, 151 s, when no record moved at all)
moved_links as (
    select
        moved.absorbed_customer_id,
        moved.surviving_customer_id,
        links.identifier_type,
        links.identifier_value
    from moved
    inner join links on moved.customer_record_id = links.customer_record_id
),

moved_identifiers as (
    select distinct
        identifier_type,
        identifier_value
    from moved_links
),

joined_links as (
    select links.*
    from links
    inner join moved_identifiers
        on
            links.identifier_type = moved_identifiers.identifier_type
            and links.identifier_value = moved_identifiers.identifier_value
),

evidence as (
    select distinct
        moved_links.absorbed_customer_id,
        moved_links.surviving_customer_id,
        moved_links.identifier_type
    from moved_links
    inner join joined_links
        on
            moved_links.identifier_type = joined_links.identifier_type
            and moved_links.identifier_value = joined_links.identifier_value
    inner join ids as joined
        on
            joined_links.customer_record_id = joined.customer_record_id
            and moved_links.surviving_customer_id = joined.customer_id
            and moved_links.absorbed_customer_id != coalesce(joined.previous_customer_id, '')
),

evidence_kinds as (
    select
        absorbed_customer_id,
        surviving_customer_id,
        {{ sorted_list_text('identifier_type', "', '") }} as merge_evidence
    from evidence
    group by absorbed_customer_id, surviving_customer_id
),

changes as (
    select
        ids.previous_customer_id as absorbed_customer_id,
        ids.customer_id as surviving_customer_id,
        count(*) as records_moved,
        max(ids.assigned_at) as changed_at
    from ids
    where ids.previous_customer_id is not null and ids.previous_customer_id != ids.customer_id
    group by ids.previous_customer_id, ids.customer_id
),

final as (
    select
        {{ surrogate_key(['changes.absorbed_customer_id', 'changes.surviving_customer_id', 'changes.changed_at']) }}
            as identity_change_id,
        changes.absorbed_customer_id,
        changes.surviving_customer_id,
        case when still_used.customer_id is null then 'merge' else 'split' end as change_type,
        case when still_used.customer_id is null then evidence_kinds.merge_evidence end as merge_evidence,
        changes.records_moved,
        changes.changed_at
    from changes
    left join still_used on changes.absorbed_customer_id = still_used.customer_id
    left join evidence_kinds
        on
            changes.absorbed_customer_id = evidence_kinds.absorbed_customer_id
            and changes.surviving_customer_id = evidence_kinds.surviving_customer_id
    {% if is_incremental() -%}
        where changes.changed_at > (
            select coalesce(max(previous_changes.changed_at), cast('1900-01-01' as timestamp))
            from {{ this }} as previous_changes
        )
    {%- endif %}
)

select * from final
