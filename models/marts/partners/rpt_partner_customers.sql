{#-
    Partner-facing: each partner's customers under a keyed pseudonym (customer_key, HMAC per
    partner, int_partner_customer_keys) with what they bought from that partner, whether they came
    back, and whether the partner's messages can reach them - never a name, email or phone.
-#}
with

orders as (
    select * from {{ ref('fct_orders') }}
    where partner_id is not null and customer_id is not null and counts_toward_revenue
),

keys as (
    select * from {{ ref('int_partner_customer_keys') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

per_customer as (
    select
        partner_id,
        customer_id,
        min(order_month) as first_order_month,
        max(order_month) as last_order_month,
        count(*) filter (where transaction_type = 'sale') as orders,
        coalesce(sum(ticket_count) filter (where transaction_type = 'sale'), 0) as tickets,
        sum(net_amount_reporting) as net_reporting,
        sum(partner_share_amount_reporting) as partner_share_reporting
    from orders
    group by partner_id, customer_id
),

final as (
    select
        per_customer.partner_id,
        keys.customer_key,
        per_customer.first_order_month,
        per_customer.last_order_month,
        per_customer.orders,
        per_customer.tickets,
        per_customer.net_reporting,
        per_customer.partner_share_reporting,
        per_customer.orders > 1 as is_repeat_customer,
        customers.has_email as is_reachable_by_email,
        customers.has_phone as is_reachable_by_sms,
        customers.has_marketing_consent
    from per_customer
    inner join keys
        on per_customer.partner_id = keys.partner_id and per_customer.customer_id = keys.customer_id
    inner join customers on per_customer.customer_id = customers.customer_id
)

select * from final
