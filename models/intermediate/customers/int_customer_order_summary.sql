{#-
    Per customer with at least one order on or before the as-of date (macro as_of_date): the totals
    of int_customer_order_totals, average order value, and what the as-of date moves: days since
    the last purchase, tenure and orders a year. Read from the per-customer totals, never from the
    orders, when the as-of date is the default (the latest order: every order is on or before it).
    An explicit var as_of_date may lie before later orders, which the totals include: then the
    totals are summed again from the orders up to that date (a full scan, as a backfill costs).
-#}
-- depends_on: {{ ref('int_customer_order_totals') }}
-- depends_on: {{ ref('int_orders_identified') }}
with

-- the linter renders both branches of the as-of date: no indent check in this part
-- noqa: disable=LT02
{% if var('as_of_date') -%}
orders as (
    select * from {{ ref('int_orders_identified') }}
    -- an erased customer's orders are anonymous: they count in totals, not for any customer
    where order_date <= {{ as_of_date() }} and customer_id is not null
),

totals as (
    {{ customer_order_totals('orders') }}
),
{%- else -%}
totals as (
    select * from {{ ref('int_customer_order_totals') }}
),
{%- endif %}
-- noqa: enable=LT02

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
    from totals
)

select * from final
