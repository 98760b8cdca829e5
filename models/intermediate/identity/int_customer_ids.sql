{#-
    The customer_id of every record, stable across runs (incremental: the previous run's ids are
    read from this table itself).
    - A component none of whose records had an id gets 'cus_' + 16 hex of md5(component_id),
      its smallest customer_record_id: the same input always gives the same ids, and data
      unrelated to a customer never changes its id. When another component keeps that very id
      (a split moved the record it was derived from out of the part that kept it), the md5 of
      component_id || ':split' instead, so no two customers share an id.
    - A component whose records carried one previous id keeps it.
    - When a run merges components that had different ids, the id carried by the most records
      survives (ties: the smaller id) and the others are absorbed; when a previous id ends up in
      several components (a split), the component with most of its records keeps it.
    previous_customer_id is the id the record had before this run; int_customer_identity_changes
    keeps the history of absorbed ids.
-#}
{#-
    Spark (dbt-spark without Delta or Iceberg) has no delete+insert: there the model writes the
    whole table each run, this run's records and the previous run's records it no longer sees
    (what delete+insert keeps), with insert_overwrite over partitions by record source, so every
    partition is rewritten and reading this table while overwriting it is safe.
-#}
{%- set overwrite = target.type == 'spark' -%}
{{ config(
    materialized='incremental',
    unique_key='customer_record_id',
    incremental_strategy='insert_overwrite' if overwrite else 'delete+insert',
    partition_by=['record_source'] if overwrite else none,
    on_schema_change='fail',
) }}

with

components as (
    select * from {{ ref('int_customer_components') }}
),

previous as (
    {% if is_incremental() -%}
        select
            customer_record_id,
            customer_id
        from {{ this }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as customer_record_id,
            cast(null as {{ dbt.type_string() }}) as customer_id
        where false
    {%- endif %}
),

joined as (
    select
        components.customer_record_id,
        components.component_id,
        previous.customer_id as previous_customer_id
    from components
    left join previous on components.customer_record_id = previous.customer_record_id
),

claims as (
    -- each previous id with the components that carry it, and how many of their records do
    select
        component_id,
        previous_customer_id,
        count(*) as record_count
    from joined
    where previous_customer_id is not null
    group by component_id, previous_customer_id
),

ranked_claims as (
    -- a previous id split over several components stays with the one holding most of its records
    select
        *,
        row_number() over (
            partition by previous_customer_id order by record_count desc, component_id asc
        ) as claim_rank
    from claims
),

uncontested as (
    select
        component_id,
        previous_customer_id,
        record_count,
        -- a component carrying several previous ids keeps the one carried by most records
        row_number() over (
            partition by component_id order by record_count desc, previous_customer_id asc
        ) as survivor_rank
    from ranked_claims
    where claim_rank = 1
),

survivors as (
    select
        component_id,
        previous_customer_id as customer_id
    from uncontested
    where survivor_rank = 1
),

final as (
    select
        joined.customer_record_id,
        coalesce(
            survivors.customer_id,
            case
                when taken.customer_id is null then 'cus_' || left(md5(joined.component_id), 16)
                -- a split moved the record this id was derived from out of the part that kept the
                -- id: the plain md5 would give two customers one id
                else 'cus_' || left(md5(joined.component_id || ':split'), 16)
            end
        ) as customer_id,
        joined.previous_customer_id,
        joined.component_id,
        cast({{ dbt.current_timestamp() }} as timestamp) as assigned_at
    from joined
    left join survivors on joined.component_id = survivors.component_id
    left join survivors as taken on 'cus_' || left(md5(joined.component_id), 16) = taken.customer_id
)

{% if overwrite -%}
    select
        *,
        split_part(customer_record_id, ':', 1) as record_source
    from final
    {% if is_incremental() -%}
        union all
        select
            kept.customer_record_id,
            kept.customer_id,
            kept.previous_customer_id,
            kept.component_id,
            kept.assigned_at,
            kept.record_source
        from {{ this }} as kept
        where kept.customer_record_id not in (select final.customer_record_id from final)
    {%- endif %}
{%- else -%}
    select * from final
{%- endif %}
