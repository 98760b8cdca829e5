-- Every order's money adds up to the cent: gross = discount + fee + refund + net, none negative
-- except net on a refund row; the partner share is the net times the share rate.
select
    order_key,
    gross_amount,
    discount_amount,
    fee_amount,
    refund_amount,
    net_amount,
    partner_share_amount
from {{ ref('fct_orders') }}
where
    gross_amount <> discount_amount + fee_amount + refund_amount + net_amount
    or least(gross_amount, discount_amount, fee_amount, refund_amount) < 0
    or (net_amount < 0 and transaction_type <> 'refund')
    or partner_share_amount <> round(net_amount * revenue_share_rate, 2)
