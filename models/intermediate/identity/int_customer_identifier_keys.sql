{#-
    The identifier dictionary: every (identifier_type, identifier_value) ever seen with its bigint
    surrogate key identifier_sk (append-only, as int_customer_record_keys; macro dictionary_keys).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{{ dictionary_keys(
    'select distinct identifier_type, identifier_value from ' ~ ref('int_customer_identifiers_unpivoted'),
    ['identifier_type', 'identifier_value'],
    'identifier_sk',
) }}
