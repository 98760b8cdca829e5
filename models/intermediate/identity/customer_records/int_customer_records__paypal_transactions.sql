-- PayPal payers, one record per transaction. No consent.
with

transactions as (
    select * from {{ ref('stg_paypal__transactions') }}
),

final as (
    select
        'paypal__transactions:' || transaction_id as customer_record_id,
        'paypal' as source_system,
        'transactions' as source_table,
        transaction_id as record_key,
        cast(null as {{ dbt.type_string() }}) as source_customer_key,
        email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        {{ first_word('payer_name') }} as first_name,
        {{ after_first_word('payer_name') }} as last_name,
        country_code,
        cast(null as {{ dbt.type_string() }}) as consent_method,
        cast(null as boolean) as marketing_opt_in,
        false as is_unsubscribed,
        transacted_at as record_created_at,
        transacted_at as record_updated_at
    from transactions
)

select * from final
