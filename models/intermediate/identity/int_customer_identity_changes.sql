{#-
    History of customer ids that stopped being used: in a run where a record's customer_id
    changed, one row per (old id, new id). change_type 'merge' when the old id is gone (its
    records were merged into another customer), 'split' when it lives on in another component
    and some of its records moved out. Appended run by run, like Snowplow's identity stitching.
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

still_used as (
    select distinct customer_id from ids
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
        changes.records_moved,
        changes.changed_at
    from changes
    left join still_used on changes.absorbed_customer_id = still_used.customer_id
    {% if is_incremental() -%}
        where changes.changed_at > (
            select coalesce(max(previous_changes.changed_at), cast('1900-01-01' as timestamp))
            from {{ this }} as previous_changes
        )
    {%- endif %}
)

select * from final
