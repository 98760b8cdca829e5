{#-
    Every customer's lifecycle segment at the as-of date, by the rules of the customer-intelligence
    service, first match wins (thresholds are project vars, docs/customer-marts.md):
        new       no paid order yet
        lost      last paid order more than lifecycle_lost_after_days ago
        dormant   ... more than lifecycle_dormant_after_days ago
        at_risk   ... more than lifecycle_at_risk_after_days ago
        vip       spent more than lifecycle_vip_min_spent and more than lifecycle_vip_min_orders_per_year
        regular   more than lifecycle_regular_min_orders_per_year paid orders a year
        occasional  otherwise
    With the service's rule-of-thumb churn probability and CLV (average order value x orders a year
    x 3 years), kept for comparison with the fitted models.
-#}
with

customers as (
    select customer_id from {{ ref('dim_customers') }}
),

summary as (
    select * from {{ ref('int_customer_order_summary') }}
),

joined as (
    select
        customers.customer_id,
        {{ as_of_date() }} as as_of_date,
        coalesce(summary.paid_orders, 0) as paid_orders,
        coalesce(summary.total_spent_reporting, 0) as total_spent_reporting,
        summary.average_order_value_reporting,
        summary.first_paid_order_at,
        summary.last_paid_order_at,
        summary.days_since_last_purchase,
        summary.orders_per_year
    from customers
    left join summary on customers.customer_id = summary.customer_id
),

final as (
    select
        *,
        case
            when paid_orders = 0 then 'new'
            when days_since_last_purchase > {{ var('lifecycle_lost_after_days') }} then 'lost'
            when days_since_last_purchase > {{ var('lifecycle_dormant_after_days') }} then 'dormant'
            when days_since_last_purchase > {{ var('lifecycle_at_risk_after_days') }} then 'at_risk'
            when
                total_spent_reporting > {{ var('lifecycle_vip_min_spent') }}
                and orders_per_year > {{ var('lifecycle_vip_min_orders_per_year') }}
                then 'vip'
            when orders_per_year > {{ var('lifecycle_regular_min_orders_per_year') }} then 'regular'
            else 'occasional'
        end as lifecycle_segment,
        {{ rule_churn_probability('days_since_last_purchase', 'orders_per_year') }} as rule_churn_probability,
        cast(
            {{ round_double('coalesce(average_order_value_reporting * orders_per_year * 3, 0)', 2) }}
            as decimal(18, 2)
        ) as heuristic_clv_reporting
    from joined
)

select * from final
