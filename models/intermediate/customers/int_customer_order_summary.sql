{#-
    Per customer with at least one order on or before the as-of date (macro as_of_date): paid
    orders, spend and timing, the inputs of RFM, lifecycle segments and customer value.
    A paid order is fct_orders.is_paid; spend is the net of every row that counts toward revenue
    (refund transactions subtract), in the reporting currency.
-#}
with

orders as (
    select * from {{ ref('int_orders_identified') }}
    -- an erased customer's orders are anonymous: they count in totals, not for any customer
    where order_date <= {{ as_of_date() }} and customer_id is not null
),

summary as (
    select
        customer_id,
        count(*) filter (where transaction_type = 'sale') as orders,
        count(*) filter (where is_paid) as paid_orders,
        coalesce(sum(ticket_count) filter (where is_paid), 0) as paid_tickets,
        min(ordered_at) as first_order_at,
        min(ordered_at) filter (where is_paid) as first_paid_order_at,
        max(ordered_at) filter (where is_paid) as last_paid_order_at,
        coalesce(sum(net_amount_reporting) filter (where counts_toward_revenue), 0) as total_spent_reporting,
        coalesce(sum(net_amount_reporting) filter (where is_paid), 0) as paid_orders_net_reporting
    from orders
    group by customer_id
),

final as (
    select
        customer_id,
        {{ as_of_date() }} as as_of_date,
        orders,
        paid_orders,
        paid_tickets,
        first_order_at,
        first_paid_order_at,
        last_paid_order_at,
        total_spent_reporting,
        case
            when paid_orders > 0 then cast(
                {{ round_double('cast(paid_orders_net_reporting as ' ~ type_double() ~ ') / paid_orders', 2) }}
                as decimal(18, 2)
            )
        end as average_order_value_reporting,
        {{ days_between('cast(last_paid_order_at as date)', as_of_date()) }} as days_since_last_purchase,
        {{ days_between('cast(first_paid_order_at as date)', as_of_date()) }} as tenure_days,
        -- paid orders per year of tenure, tenure counted as at least one year
        case
            when paid_orders > 0
                then paid_orders / (
                    greatest({{ days_between('cast(first_paid_order_at as date)', as_of_date()) }}, 365)
                    / cast(365 as {{ type_double() }})
                )
        end as orders_per_year
    from summary
)

select * from final
