{#-
    The identity graph as bigint pairs: a record (record_sk) to each of its linking identifiers
    (identifier_sk), the surrogate keys of the dictionaries int_customer_record_keys and
    int_customer_identifier_keys. Records with no linking identifier have no edge.
    Incremental (delete+insert on record_sk): a run rewrites the edges of the records whose set of
    linking identifiers changed (a new, changed or deleted record, or an identifier the guard now
    judges otherwise) and stamps them with loaded_at; a record left with no linking identifier gets
    one row with a NULL identifier_sk, so its old edges go. int_customer_components relabels the
    components of the records stamped after its last run. Spark: a table rebuilt in full.
-#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='record_sk',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

identifiers as (
    select * from {{ ref('int_customer_identifiers_keyed') }}
),

links as (
    select identifier_sk
    from {{ ref('int_customer_identifiers_classified') }}
    where is_link
),

current_edges as (
    -- (record, identifier) is unique in identifiers: no duplicate edges
    select
        identifiers.record_sk,
        identifiers.identifier_sk
    from identifiers
    inner join links on identifiers.identifier_sk = links.identifier_sk
),

{% if is_incremental() -%}
    previous_edges as (
        select
            record_sk,
            identifier_sk
        from {{ this }}
        where identifier_sk is not null
    ),

    added as (
        select
            record_sk,
            identifier_sk
        from current_edges
        except
        select
            record_sk,
            identifier_sk
        from previous_edges
    ),

    removed as (
        select
            record_sk,
            identifier_sk
        from previous_edges
        except
        select
            record_sk,
            identifier_sk
        from current_edges
    ),

    changed_records as (
        select record_sk from added
        union
        select record_sk from removed
    ),

    written as (
        select
            current_edges.record_sk,
            current_edges.identifier_sk
        from current_edges
        inner join changed_records on current_edges.record_sk = changed_records.record_sk
        union all
        select
            changed_records.record_sk,
            cast(null as bigint) as identifier_sk
        from changed_records
        where not exists (
            select 1 from current_edges
            where current_edges.record_sk = changed_records.record_sk
        )
    ),
{%- else -%}
    written as (
        select * from current_edges
    ),
{%- endif %}

final as (
    select
        record_sk,
        identifier_sk,
        {{ run_started_timestamp() }} as loaded_at
    from written
)

select * from final
