{#-
    PayPal transactions in the order contract (docs/orders.md): payments are sales, with PayPal's
    fee (negative in the export) as the fee; a refund is a transaction of its own, recorded as a
    refund row with no gross.
-#}
with

transactions as (
    select * from {{ ref('stg_paypal__transactions') }}
),

final as (
    select
        'paypal__transactions:' || transaction_id as order_key,
        transaction_id as order_id,
        'paypal' as source_system,
        'transactions' as source_table,
        'paypal__transactions:' || transaction_id as customer_record_id,
        case when is_refund then 'refund' else 'sale' end as transaction_type,
        order_status,
        transacted_at as ordered_at,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_string() }}) as event_name,
        item_id as offer_id,
        item_title as product_name,
        cast(null as {{ dbt.type_string() }}) as shop_id,
        'item' as partner_asset_type,
        item_id as partner_asset_key,
        currency_code,
        case when is_refund then 0 else gross_amount end as gross_amount,
        cast(0 as decimal(18, 2)) as discount_amount,
        abs(fee_amount) as fee_charged_amount,
        case when is_refund then abs(gross_amount) else 0 end as refund_amount,
        cast(null as integer) as ticket_count,
        coalesce(gross_amount = 0, false) as is_free,
        extracted_at
    from transactions
)

select * from final
