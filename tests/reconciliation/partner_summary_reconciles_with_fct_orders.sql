-- The partner summary's totals tie to fct_orders to the cent, per partner: orders, tickets, gross,
-- fees, discounts, refunds, net, partner share and platform commission (rows counting toward revenue).
with

expected as (
    select
        partner_id,
        count(*) filter (where transaction_type = 'sale') as orders,
        coalesce(sum(ticket_count) filter (where transaction_type = 'sale'), 0) as tickets,
        sum(gross_amount_reporting) as gross,
        sum(fee_amount_reporting) as fees,
        sum(discount_amount_reporting) as discounts,
        sum(refund_amount_reporting) as refunds,
        sum(net_amount_reporting) as net,
        sum(partner_share_amount_reporting) as partner_share,
        sum(platform_commission_amount_reporting) as commission
    from {{ ref('fct_orders') }}
    where partner_id is not null and counts_toward_revenue
    group by partner_id
),

reported as (
    select
        partner_id,
        sum(orders) as orders,
        sum(tickets) as tickets,
        sum(gross_reporting) as gross,
        sum(platform_fees_reporting) as fees,
        sum(discounts_reporting) as discounts,
        sum(refunds_reporting) as refunds,
        sum(net_reporting) as net,
        sum(partner_share_reporting) as partner_share,
        sum(platform_commission_reporting) as commission
    from {{ ref('rpt_partner_summary') }}
    group by partner_id
)

select
    expected.partner_id,
    expected.gross as expected_gross,
    reported.gross as reported_gross,
    expected.partner_share as expected_partner_share,
    reported.partner_share as reported_partner_share
from expected
full outer join reported on expected.partner_id = reported.partner_id
where
    reported.orders is distinct from expected.orders
    or reported.tickets is distinct from expected.tickets
    or reported.gross is distinct from expected.gross
    or reported.fees is distinct from expected.fees
    or reported.discounts is distinct from expected.discounts
    or reported.refunds is distinct from expected.refunds
    or reported.net is distinct from expected.net
    or reported.partner_share is distinct from expected.partner_share
    or reported.commission is distinct from expected.commission
