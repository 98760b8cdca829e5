{#-
    Customer lifetime value per customer with a paid order: historical value, BG/NBD expected
    purchases in the next 90 and 365 days, Gamma-Gamma expected average order value, CLV discounted
    over var clv_horizon_months at var clv_monthly_discount_rate, and the heuristic CLV of the
    customer-intelligence service (average order value x orders a year x 3 years) beside it.
    clv_reporting is the model's CLV, or the heuristic where clv_method = 'heuristic' (a fit failed or
    a prediction was not a finite non-negative number). Never NULL, never negative.
-#}
with

summary as (
    select * from {{ ref('int_customer_clv_summary') }}
),

scores as (
    select * from {{ ref('int_customer_clv_scores') }}
),

lifecycle as (
    select * from {{ ref('fct_customer_lifecycle') }}
),

final as (
    select
        summary.customer_id,
        summary.summary_date as as_of_date,
        summary.x as repeat_purchases,
        summary.t_x as days_first_to_last_purchase,
        summary.t_age as customer_age_days,
        lifecycle.total_spent_reporting as historical_value_reporting,
        scores.expected_purchases_90d,
        scores.expected_purchases_365d,
        scores.expected_average_order_value as expected_average_order_value_reporting,
        scores.model_clv as model_clv_reporting,
        lifecycle.heuristic_clv_reporting,
        greatest(coalesce(scores.model_clv, lifecycle.heuristic_clv_reporting, 0), 0) as clv_reporting,
        scores.clv_method,
        {{ var('clv_horizon_months') }} as clv_horizon_months,
        {{ var('clv_monthly_discount_rate') }} as clv_monthly_discount_rate
    from summary
    inner join scores on summary.customer_id = scores.customer_id
    inner join lifecycle on summary.customer_id = lifecycle.customer_id
)

select * from final
