{#-
    Partner-facing: per partner, event (or offer, item, shop) and month, what sold and who bought,
    without anyone's identity (the report shapes of the Humanitix analysis, sections 10 and 14):
    orders, tickets, customers, new and repeat customers, gross, platform fees, discounts, refunds,
    partner share, platform commission, average order value, group bookings, customers reachable by
    email and by SMS, marketing opt-in rate and repeat-customer rate. Amounts in the reporting currency.
    A customer is new in a row when it holds their first order with the partner, repeat otherwise.
    Orders are the rows counting toward revenue; anonymous orders (erased customers) count in the
    money and orders but in no customer figure.
-#}
with

orders as (
    select * from {{ ref('fct_orders') }}
    where partner_id is not null and counts_toward_revenue
),

partners as (
    select * from {{ ref('partners') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

assets as (
    select
        *,
        coalesce(event_id, offer_id, shop_id, '(none)') as asset_id,
        case
            when event_id is not null then 'event'
            when offer_id is not null and source_system = 'paypal' then 'item'
            when offer_id is not null then 'offer'
            when shop_id is not null then 'shop'
            else 'other'
        end as asset_type
    from orders
),

first_with_partner as (
    select
        partner_id,
        customer_id,
        min(ordered_at) as first_ordered_at
    from assets
    where customer_id is not null and transaction_type = 'sale'
    group by partner_id, customer_id
),

row_customers as (
    select
        assets.partner_id,
        assets.asset_id,
        assets.order_month,
        assets.customer_id,
        bool_or(assets.ordered_at = first_with_partner.first_ordered_at) as is_new,
        bool_or(customers.has_email) as has_email,
        bool_or(customers.has_phone) as has_phone,
        bool_or(customers.has_marketing_consent) as has_marketing_consent
    from assets
    inner join first_with_partner
        on assets.partner_id = first_with_partner.partner_id and assets.customer_id = first_with_partner.customer_id
    left join customers on assets.customer_id = customers.customer_id
    where assets.transaction_type = 'sale'
    group by assets.partner_id, assets.asset_id, assets.order_month, assets.customer_id
),

customer_counts as (
    select
        partner_id,
        asset_id,
        order_month,
        count(*) as customers,
        count(*) filter (where is_new) as new_customers,
        count(*) filter (where not is_new) as repeat_customers,
        count(*) filter (where has_email) as customers_reachable_by_email,
        count(*) filter (where has_phone) as customers_reachable_by_sms,
        count(*) filter (where has_marketing_consent) as customers_opted_in
    from row_customers
    group by partner_id, asset_id, order_month
),

money as (
    select
        partner_id,
        source_system,
        asset_type,
        asset_id,
        max(product_name) as asset_name,
        order_month,
        count(*) filter (where transaction_type = 'sale') as orders,
        coalesce(sum(ticket_count) filter (where transaction_type = 'sale'), 0) as tickets,
        count(*) filter (where is_group_booking) as group_bookings,
        sum(gross_amount_reporting) as gross_reporting,
        sum(fee_amount_reporting) as platform_fees_reporting,
        sum(discount_amount_reporting) as discounts_reporting,
        sum(refund_amount_reporting) as refunds_reporting,
        sum(net_amount_reporting) as net_reporting,
        sum(partner_share_amount_reporting) as partner_share_reporting,
        sum(platform_commission_amount_reporting) as platform_commission_reporting
    from assets
    group by partner_id, source_system, asset_type, asset_id, order_month
),

final as (
    select
        money.partner_id,
        partners.partner_name,
        money.source_system,
        money.asset_type,
        money.asset_id,
        money.asset_name,
        money.order_month,
        money.orders,
        money.tickets,
        coalesce(customer_counts.customers, 0) as customers,
        coalesce(customer_counts.new_customers, 0) as new_customers,
        coalesce(customer_counts.repeat_customers, 0) as repeat_customers,
        money.gross_reporting,
        money.platform_fees_reporting,
        money.discounts_reporting,
        money.refunds_reporting,
        money.net_reporting,
        money.partner_share_reporting,
        money.platform_commission_reporting,
        cast(
            {{ round_double('cast(money.net_reporting as ' ~ type_double() ~ ') / nullif(money.orders, 0)', 2) }}
            as decimal(18, 2)
        )
            as average_order_value_reporting,
        money.group_bookings,
        coalesce(customer_counts.customers_reachable_by_email, 0) as customers_reachable_by_email,
        coalesce(customer_counts.customers_reachable_by_sms, 0) as customers_reachable_by_sms,
        cast(customer_counts.customers_opted_in as {{ type_double() }}) / nullif(customer_counts.customers, 0)
            as marketing_opt_in_rate,
        cast(customer_counts.repeat_customers as {{ type_double() }}) / nullif(customer_counts.customers, 0)
            as repeat_customer_rate
    from money
    inner join partners on money.partner_id = partners.partner_id
    left join customer_counts
        on
            money.partner_id = customer_counts.partner_id
            and money.asset_id = customer_counts.asset_id
            and money.order_month = customer_counts.order_month
)

select * from final
