-- Ticket Tailor ticket orders in the order contract (docs/orders.md). A refund is recorded on the order.
with

orders as (
    select * from {{ ref('stg_ticket_tailor__orders') }}
),

events as (
    select * from {{ ref('stg_ticket_tailor__events') }}
),

final as (
    select
        'ticket_tailor__orders:' || orders.order_id as order_key,
        orders.order_id,
        'ticket_tailor' as source_system,
        'orders' as source_table,
        'ticket_tailor__orders:' || orders.order_id as customer_record_id,
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
        orders.total_amount as gross_amount,
        cast(0 as decimal(18, 2)) as discount_amount,
        -- booking fees and taxes: everything charged above the ticket price
        orders.total_amount - orders.subtotal_amount as fee_charged_amount,
        orders.refund_amount,
        orders.ticket_count,
        orders.is_free,
        orders.extracted_at
    from orders
    left join events on orders.event_id = events.event_id
)

select * from final
