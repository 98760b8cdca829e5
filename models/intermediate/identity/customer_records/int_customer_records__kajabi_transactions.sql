-- Kajabi payers, one record per transaction (the email and name typed at purchase). No consent.
with

transactions as (
    select * from {{ ref('stg_kajabi__transactions') }}
),

final as (
    select
        'kajabi__transactions:' || transaction_id as customer_record_id,
        'kajabi' as source_system,
        'transactions' as source_table,
        transaction_id as record_key,
        'kajabi__contacts:' || customer_id as source_customer_key,
        email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        {{ first_word('customer_name') }} as first_name,
        {{ after_first_word('customer_name') }} as last_name,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as consent_method,
        cast(null as boolean) as marketing_opt_in,
        false as is_unsubscribed,
        created_at as record_created_at,
        created_at as record_updated_at
    from transactions
)

select * from final
