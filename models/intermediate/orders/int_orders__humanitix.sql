-- Humanitix ticket orders in the order contract (docs/orders.md). A refund is recorded on the order.
with

orders as (
    select * from {{ ref('stg_humanitix__orders') }}
),

events as (
    select * from {{ ref('stg_humanitix__events') }}
),

final as (
    select
        'humanitix__orders:' || orders.order_id as order_key,
        orders.order_id,
        'humanitix' as source_system,
        'orders' as source_table,
        'humanitix__orders:' || orders.order_id as customer_record_id,
        'sale' as transaction_type,
        orders.order_status,
        orders.created_at as ordered_at,
        orders.event_id,
        events.event_name,
        cast(null as {{ dbt.type_string() }}) as offer_id,
        events.event_name as product_name,
        cast(null as {{ dbt.type_string() }}) as shop_id,
        'venue' as partner_asset_type,
        events.venue_name as partner_asset_key,
        orders.currency_code,
        -- the price before discounts, with the booking fees the buyer paid
        orders.total_amount + orders.discount_amount as gross_amount,
        orders.discount_amount,
        orders.fee_amount as fee_charged_amount,
        orders.refund_amount,
        orders.ticket_count,
        orders.is_free,
        orders.extracted_at
    from orders
    left join events on orders.event_id = events.event_id
)

select * from final
