{#-
    int_customer_identifiers_unpivoted on integer keys: one row per (record, identifier) with the
    record's record_sk and the identifier's identifier_sk (the only string joins of resolution),
    and what classification reads beside them. int_customer_identifiers_classified and
    int_customer_identity_edges join and group on these bigints.
-#}
with

identifiers as (
    select * from {{ ref('int_customer_identifiers_unpivoted') }}
),

record_keys as (
    select * from {{ ref('int_customer_record_keys') }}
),

identifier_keys as (
    select * from {{ ref('int_customer_identifier_keys') }}
),

final as (
    select
        record_keys.record_sk,
        identifier_keys.identifier_sk,
        identifiers.identifier_type,
        identifiers.given_name_key,
        identifiers.surname_key,
        identifiers.is_secondary
    from identifiers
    inner join record_keys on identifiers.customer_record_id = record_keys.customer_record_id
    inner join identifier_keys
        on
            identifiers.identifier_type = identifier_keys.identifier_type
            and identifiers.identifier_value = identifier_keys.identifier_value
)

select * from final
