{#-
    The tracking table of the purchase models on the holdout, week by week: cumulative repeat
    purchases (purchase days, subscription payments left out) of the calibration customers, actual
    against each model's prediction (int_customer_clv_holdout_tracking), and whether the model is the
    one chosen. Week k ends k x 7 days after the end of calibration (the last one at the as-of date).
-#}
with

tracking as (
    select * from {{ ref('int_customer_clv_holdout_tracking') }}
),

calibration as (
    select * from {{ ref('int_customer_clv_calibration') }}
),

subscription_payments as (
    select * from {{ ref('int_subscription_payments') }}
),

comparison as (
    select * from {{ ref('int_customer_clv_model_comparison') }}
),

holdout_days as (
    select distinct
        orders.customer_id,
        orders.order_date,
        {{ days_between('calibration.summary_date', 'orders.order_date') }} as days_after_calibration
    from {{ ref('fct_orders') }} as orders
    inner join calibration on orders.customer_id = calibration.customer_id
    left join subscription_payments on orders.order_key = subscription_payments.order_key
    where
        orders.is_paid and subscription_payments.order_key is null
        and orders.order_date > calibration.summary_date
        and {{ days_between('calibration.summary_date', 'orders.order_date') }} <= calibration.holdout_days
),

counted as (
    select
        tracking.score_name,
        tracking.period_number,
        count(holdout_days.customer_id) as actual_cumulative_purchases
    from tracking
    left join holdout_days on tracking.days_after_calibration >= holdout_days.days_after_calibration
    group by tracking.score_name, tracking.period_number
),

final as (
    select
        tracking.score_name,
        tracking.period_number,
        tracking.days_after_calibration,
        tracking.predicted_cumulative_purchases,
        counted.actual_cumulative_purchases,
        coalesce(comparison.is_chosen, false) as is_chosen
    from tracking
    inner join counted
        on tracking.score_name = counted.score_name and tracking.period_number = counted.period_number
    left join comparison on tracking.score_name = comparison.score_name
)

select * from final
