{#-
    The identity graph as bigint pairs: a record (record_sk) to each of its linking identifiers
    (identifier_sk), the surrogate keys of the dictionaries int_customer_record_keys and
    int_customer_identifier_keys. Records with no linking identifier have no edge.
-#}
with

identifiers as (
    select * from {{ ref('int_customer_identifiers_keyed') }}
),

links as (
    select identifier_sk
    from {{ ref('int_customer_identifiers_classified') }}
    where is_link
),

final as (
    -- (record, identifier) is unique in identifiers: no duplicate edges
    select
        identifiers.record_sk,
        identifiers.identifier_sk
    from identifiers
    inner join links on identifiers.identifier_sk = links.identifier_sk
)

select * from final
