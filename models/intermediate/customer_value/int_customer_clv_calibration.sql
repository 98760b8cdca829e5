{#-
    The holdout design: each customer's summary at the end of the calibration period (the as-of
    date less var clv_holdout_days) and the purchase days they actually had in the holdout period
    after it, up to the as-of date. rpt_clv_model_fit fits on this summary; the holdout validation
    compares its predictions with holdout_purchases.
-#}
{%- set calibration_end = '(' ~ as_of_date() ~ ' - ' ~ var('clv_holdout_days') ~ ')' %}

with

calibration as (
    {{ clv_summary(calibration_end) }}
),

holdout as (
    select
        customer_id,
        count(distinct order_date) as holdout_purchases
    from {{ ref('fct_orders') }}
    where
        is_paid and customer_id is not null
        and order_date > {{ calibration_end }} and order_date <= {{ as_of_date() }}
    group by customer_id
),

final as (
    select
        calibration.*,
        {{ var('clv_holdout_days') }} as holdout_days,
        coalesce(holdout.holdout_purchases, 0) as holdout_purchases
    from calibration
    left join holdout on calibration.customer_id = holdout.customer_id
)

select * from final
