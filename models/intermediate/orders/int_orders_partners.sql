{#-
    The partner of each order and the revenue-share terms in force on the order date (seed
    partner_assets): a row naming the order's own asset (venue, event, organiser, offer, item, shop) wins over the
    source's wildcard row ('*'); among those, the latest valid_from on or before the order date.
    Orders no row covers have no partner (a warning test reports them).
-#}
with

orders as (
    select * from {{ ref('int_orders_unioned') }}
),

assets as (
    select * from {{ ref('partner_assets') }}
),

candidates as (
    select
        orders.order_key,
        assets.partner_id,
        assets.revenue_share_rate,
        assets.fee_per_ticket,
        assets.valid_from as terms_valid_from,
        row_number() over (
            partition by orders.order_key
            order by (assets.asset_key = '*'), assets.valid_from desc
        ) as terms_rank
    from orders
    inner join assets
        on
            orders.source_system = assets.source_system
            and orders.partner_asset_type = assets.asset_type
            and (orders.partner_asset_key = assets.asset_key or assets.asset_key = '*')
            and assets.valid_from <= cast(orders.ordered_at as date)
),

matched as (
    select
        order_key,
        partner_id,
        revenue_share_rate,
        fee_per_ticket,
        terms_valid_from
    from candidates
    where terms_rank = 1
)

select * from matched
