{#-
    The holdout design: each customer's non-contractual summary at the end of the calibration period
    (the as-of date less var clv_holdout_days), what they did in the last year of calibration (the
    naive baselines' input) and what they actually did in the holdout period after it, up to the
    as-of date: purchase days and net value (reporting currency). Subscription payments are
    contracts, not purchases, and are left out throughout (int_subscription_payments).
    int_customer_clv_fits fits on this summary; int_customer_clv_holdout_scores scores its
    predictions against holdout_purchases.
-#}
{%- set calibration_end = '(' ~ as_of_date() ~ ' - ' ~ var('clv_holdout_days') ~ ')' %}

with

calibration as (
    {{ clv_summary(calibration_end) }}
),

subscription_payments as (
    select * from {{ ref('int_subscription_payments') }}
),

purchase_days as (
    select
        orders.customer_id,
        orders.order_date,
        sum(orders.net_amount_reporting) as day_value
    from {{ ref('int_orders_identified') }} as orders
    left join subscription_payments on orders.order_key = subscription_payments.order_key
    where
        orders.is_paid and orders.customer_id is not null and subscription_payments.order_key is null
        and orders.order_date > {{ calibration_end }} - 365 and orders.order_date <= {{ as_of_date() }}
    group by orders.customer_id, orders.order_date
),

periods as (
    select
        customer_id,
        count(case when order_date <= {{ calibration_end }} then 1 end) as last_year_purchases,
        count(case when order_date > {{ calibration_end }} then 1 end) as holdout_purchases,
        cast(sum(case when order_date > {{ calibration_end }} then day_value else 0 end) as {{ type_double() }})
            as holdout_value_reporting
    from purchase_days
    group by customer_id
),

final as (
    select
        calibration.*,
        {{ var('clv_holdout_days') }} as holdout_days,
        coalesce(periods.last_year_purchases, 0) as last_year_purchases,
        coalesce(periods.holdout_purchases, 0) as holdout_purchases,
        coalesce(periods.holdout_value_reporting, 0) as holdout_value_reporting,
        coalesce(periods.holdout_purchases, 0) = 0 as has_no_holdout_purchase,
        {{ rule_churn_probability(
            'calibration.t_age - calibration.t_x',
            '(calibration.x + 1) / (greatest(calibration.t_age, 365) / cast(365 as ' ~ type_double() ~ '))'
        ) }} as rule_churn_probability
    from calibration
    left join periods on calibration.customer_id = periods.customer_id
)

select * from final
