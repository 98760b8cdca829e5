-- The customers of the generic transactions CSV in the customer-record contract (docs/identity.md):
-- one record per customer id that has a usable transaction. The export carries no email or phone,
-- so each id is its own customer (nothing to link on). Tagged customer_record_contract and registered
-- as customer_records in _transactions_csv__sources.yml (meta.registry).
with

transactions as (
    select * from {{ ref('stg_transactions_csv__transactions') }}
),

final as (
    select
        'transactions_csv' as source_system,
        'customers' as source_table,
        customer_id as record_key,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as consent_method,
        cast(null as boolean) as marketing_opt_in,
        false as is_unsubscribed,
        min(transacted_at) as record_created_at,
        'transactions_csv__customers:' || customer_id as customer_record_id,
        max(transacted_at) as record_updated_at
    from transactions
    group by customer_id
)

select * from final
