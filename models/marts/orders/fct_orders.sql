{#-
    One row per order or transaction from every source, with its customer, partner and money.
    Amounts follow one identity (docs/orders.md):
        gross = discount + fee + refund + net
    gross: the price before discounts with the fees the buyer paid; fee: platform and processing
    fees kept (a refund that leaves less than the fees returns them too); net: what is left to
    share with the partner. Amounts are in the order's currency and, with suffix _reporting, in
    var reporting_currency at the FX rate of the order's month (seed fx_rates).
-#}
with

orders as (
    select * from {{ ref('int_orders_unioned') }}
),

partners as (
    select * from {{ ref('int_orders_partners') }}
),

customer_ids as (
    select * from {{ ref('int_customer_ids') }}
),

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

amounts as (
    select
        *,
        least(
            fee_charged_amount,
            greatest(gross_amount - discount_amount - refund_amount, 0)
        ) as fee_amount
    from orders
),

with_net as (
    select
        *,
        gross_amount - discount_amount - fee_amount - refund_amount as net_amount
    from amounts
),

final as (
    select
        with_net.order_key,
        with_net.order_id,
        with_net.source_system,
        with_net.source_table,
        with_net.customer_record_id,
        customer_ids.customer_id,
        partners.partner_id,
        with_net.event_id,
        with_net.event_name,
        with_net.offer_id,
        with_net.shop_id,
        with_net.product_name,
        with_net.transaction_type,
        with_net.order_status,
        with_net.ordered_at,
        cast(with_net.ordered_at as date) as order_date,
        cast(date_trunc('month', with_net.ordered_at) as date) as order_month,
        with_net.currency_code,
        with_net.gross_amount,
        with_net.discount_amount,
        with_net.fee_amount,
        with_net.refund_amount,
        with_net.net_amount,
        partners.revenue_share_rate,
        cast(round(with_net.net_amount * partners.revenue_share_rate, 2) as decimal(18, 2))
            as partner_share_amount,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(order_fx.usd_per_unit / reporting_fx.usd_per_unit as decimal(18, 8)) as fx_rate_to_reporting,
        {%- for amount in ['gross', 'discount', 'fee', 'refund', 'net'] %}
            cast(
                round(with_net.{{ amount }}_amount * order_fx.usd_per_unit / reporting_fx.usd_per_unit, 2)
                as decimal(18, 2)
            ) as {{ amount }}_amount_reporting,
        {%- endfor %}
        cast(
            round(
                with_net.net_amount * partners.revenue_share_rate
                * order_fx.usd_per_unit / reporting_fx.usd_per_unit,
                2
            ) as decimal(18, 2)
        ) as partner_share_amount_reporting,
        with_net.ticket_count,
        with_net.is_free,
        with_net.refund_amount > 0 as is_refunded,
        coalesce(with_net.ticket_count >= {{ var('group_booking_min_tickets') }}, false) as is_group_booking,
        -- a sale that took money and stands (not pending, failed, cancelled or fully refunded)
        (
            with_net.transaction_type = 'sale'
            and with_net.order_status in ('completed', 'partially_refunded')
            and with_net.gross_amount > 0
        ) as is_paid,
        -- the row's amounts belong in revenue: settled sales, refunded sales and refund transactions
        with_net.order_status in ('completed', 'partially_refunded', 'refunded') as counts_toward_revenue
    from with_net
    left join partners on with_net.order_key = partners.order_key
    left join customer_ids on with_net.customer_record_id = customer_ids.customer_record_id
    left join fx_rates as order_fx
        on
            with_net.currency_code = order_fx.currency_code
            and cast(date_trunc('month', with_net.ordered_at) as date) = order_fx.rate_month
    left join fx_rates as reporting_fx
        on
            reporting_fx.currency_code = '{{ var("reporting_currency") }}'
            and cast(date_trunc('month', with_net.ordered_at) as date) = reporting_fx.rate_month
)

select * from final
