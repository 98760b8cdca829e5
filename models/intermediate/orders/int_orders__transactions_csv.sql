-- Transactions of the generic transactions CSV in the order contract (docs/orders.md): every row a
-- completed sale, its buyer the customer record of its customer id. No partner.
with

transactions as (
    select * from {{ ref('stg_transactions_csv__transactions') }}
),

final as (
    select
        'transactions_csv__transactions:' || transaction_id as order_key,
        transaction_id as order_id,
        'transactions_csv' as source_system,
        'transactions' as source_table,
        'transactions_csv__customers:' || customer_id as customer_record_id,
        'sale' as transaction_type,
        'completed' as order_status,
        transacted_at as ordered_at,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_string() }}) as event_name,
        cast(null as {{ dbt.type_string() }}) as offer_id,
        cast(null as {{ dbt.type_string() }}) as product_name,
        cast(null as {{ dbt.type_string() }}) as shop_id,
        'item' as partner_asset_type,
        cast(null as {{ dbt.type_string() }}) as partner_asset_key,
        currency_code,
        amount as gross_amount,
        cast(0 as decimal(18, 2)) as discount_amount,
        cast(0 as decimal(18, 2)) as fee_charged_amount,
        cast(0 as decimal(18, 2)) as refund_amount,
        cast(null as integer) as ticket_count,
        amount = 0 as is_free,
        transacted_at as extracted_at
    from transactions
)

select * from final
