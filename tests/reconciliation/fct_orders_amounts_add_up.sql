{#-
    Every order's money ties to the cent, as the partner terms say: gross = discount + fee + refund
    + partner share + platform commission; none of gross, discount, fee, refund negative; net and the
    partner share negative only on a refund row; the partner share is what the terms in force on the
    order date give (seed partner_assets through int_orders_partners), recomputed here, and 0 for an
    order no terms cover.
-#}
with

orders as (
    select * from {{ ref('fct_orders') }}
),

terms as (
    select * from {{ ref('int_orders_partners') }}
),

unioned as (
    select * from {{ ref('int_orders_unioned') }}
),

erased_orders as (
    select order_key from orders
    where order_key like 'erased:%'
),

keyed as (
    -- the key fct_orders gives each order: its own, or for an erased customer's order a hash of it
    -- (looked up for the erased orders only, so the orders are joined once, not twice)
    select
        unioned.order_key as source_order_key,
        unioned.order_key,
        unioned.ticket_count
    from unioned
    union all
    select
        unioned.order_key as source_order_key,
        erased_orders.order_key,
        unioned.ticket_count
    from unioned
    inner join erased_orders on 'erased:' || md5(unioned.order_key) = erased_orders.order_key
),

expected as (
    select
        orders.order_key,
        case
            when terms.order_key is null then 0
            when orders.net_amount <= 0 then round(orders.net_amount * terms.revenue_share_rate, 2)
            else greatest(
                round(orders.net_amount * terms.revenue_share_rate, 2)
                - terms.fee_per_ticket * coalesce(keyed.ticket_count, 0),
                0
            )
        end as expected_partner_share
    from orders
    inner join keyed on orders.order_key = keyed.order_key
    left join terms on keyed.source_order_key = terms.order_key
)

select
    orders.order_key,
    orders.gross_amount,
    orders.discount_amount,
    orders.fee_amount,
    orders.refund_amount,
    orders.partner_share_amount,
    orders.platform_commission_amount,
    expected.expected_partner_share
from orders
left join expected on orders.order_key = expected.order_key
where
    orders.gross_amount
    <> orders.discount_amount + orders.fee_amount + orders.refund_amount
    + orders.partner_share_amount + orders.platform_commission_amount
    or orders.net_amount <> orders.partner_share_amount + orders.platform_commission_amount
    or least(orders.gross_amount, orders.discount_amount, orders.fee_amount, orders.refund_amount) < 0
    or (orders.net_amount < 0 and orders.transaction_type <> 'refund')
    or (orders.partner_share_amount < 0 and orders.transaction_type <> 'refund')
    or orders.partner_share_amount is distinct from expected.expected_partner_share
