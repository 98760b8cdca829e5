{#-
    The inner split the churn recalibration learns on (customer_value.recalibration): for the
    calibration period ('calibration', ends at the as-of date less var clv_holdout_days) and the full
    period ('full', ends at the as-of date), each customer's non-contractual summary at the period's
    end less inner_days, and whether they made no purchase in those last inner_days. inner_days is
    the holdout's length or half the calibration period's span (first paid order to its end),
    whichever is shorter. Nothing after a period's end is used.
-#}
{%- set calibration_end = '(' ~ as_of_date() ~ ' - ' ~ var('clv_holdout_days') ~ ')' %}
{%- set inner_days -%}
    (
        select
            least(
                {{ var('clv_holdout_days') }},
                cast(floor({{ days_between('min(order_date)', calibration_end) }} / 2) as integer)
            )
        from {{ ref('int_orders_identified') }}
        where is_paid and customer_id is not null
    )
{%- endset %}
{%- set periods = {'calibration': calibration_end, 'full': as_of_date()} %}

with

subscription_payments as (
    select * from {{ ref('int_subscription_payments') }}
),

purchase_days as (
    select distinct
        orders.customer_id,
        orders.order_date
    from {{ ref('int_orders_identified') }} as orders
    left join subscription_payments on orders.order_key = subscription_payments.order_key
    where orders.is_paid and orders.customer_id is not null and subscription_payments.order_key is null
),

{% for period, period_end in periods.items() %}
    summary_{{ period }} as (
        {{ clv_summary('(' ~ period_end ~ ' - ' ~ inner_days ~ ')') }}
    ),

    outcome_{{ period }} as (
        select
            customer_id,
            count(*) as inner_purchases
        from purchase_days
        where order_date > {{ period_end }} - {{ inner_days }} and order_date <= {{ period_end }}
        group by customer_id
    ),
{% endfor %}

final as (
    {% for period in periods %}
        select
            '{{ period }}' as period,
            summary_{{ period }}.customer_id,
            summary_{{ period }}.x,
            summary_{{ period }}.t_x,
            summary_{{ period }}.t_age,
            {{ inner_days }} as inner_days,
            coalesce(outcome_{{ period }}.inner_purchases, 0) = 0 as has_no_inner_purchase
        from summary_{{ period }}
        left join outcome_{{ period }} on summary_{{ period }}.customer_id = outcome_{{ period }}.customer_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
