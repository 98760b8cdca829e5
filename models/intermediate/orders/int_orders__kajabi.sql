{#-
    Kajabi transactions in the order contract (docs/orders.md): charges are sales; a refund is a
    transaction of its own (negative amount), recorded as a refund row with no gross.
-#}
with

transactions as (
    select * from {{ ref('stg_kajabi__transactions') }}
),

offers as (
    select * from {{ ref('stg_kajabi__offers') }}
),

final as (
    select
        'kajabi__transactions:' || transactions.transaction_id as order_key,
        transactions.transaction_id as order_id,
        'kajabi' as source_system,
        'transactions' as source_table,
        'kajabi__transactions:' || transactions.transaction_id as customer_record_id,
        case when transactions.is_refund then 'refund' else 'sale' end as transaction_type,
        transactions.order_status,
        transactions.created_at as ordered_at,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_string() }}) as event_name,
        transactions.offer_id,
        coalesce(offers.offer_title, transactions.offer_title) as product_name,
        cast(null as {{ dbt.type_string() }}) as shop_id,
        'offer' as partner_asset_type,
        transactions.offer_id as partner_asset_key,
        transactions.currency_code,
        case when transactions.is_refund then 0 else transactions.amount end as gross_amount,
        cast(0 as decimal(18, 2)) as discount_amount,
        cast(0 as decimal(18, 2)) as fee_charged_amount,
        case when transactions.is_refund then abs(transactions.amount) else 0 end as refund_amount,
        cast(null as integer) as ticket_count,
        coalesce(transactions.amount = 0, false) as is_free,
        transactions.extracted_at
    from transactions
    left join offers on transactions.offer_id = offers.offer_id
)

select * from final
