{#-
    The record dictionary: every customer_record_id ever seen with its bigint surrogate key
    record_sk (append-only: a run numbers only the records it sees for the first time, after the
    largest key so far; macro dictionary_keys). Identity's joins, group-bys and graph run on
    record_sk; the string id is read back only where a person reads it. Spark appends too (an
    insert, no merge needed).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{{ dictionary_keys(
    'select customer_record_id from ' ~ ref('int_customer_identifiers_unioned'),
    ['customer_record_id'],
    'record_sk',
) }}
