-- Synthetic customer records for the identity-resolution benchmark (enabled by var identity_benchmark).
{{ config(enabled=var('identity_benchmark', false), materialized='view') }}

with

records as (
    select * from {{ source('benchmark', 'customer_records') }}
),

final as (
    select
        customer_record_id,
        source_system,
        source_table,
        record_key,
        email,
        secondary_email,
        phone_e164,
        secondary_phone_e164,
        first_name,
        last_name,
        country_code,
        consent_method,
        marketing_opt_in,
        is_unsubscribed,
        record_created_at,
        record_updated_at
    from records
)

select * from final
