-- No NaN, no infinity and no negative value reaches the CLV and churn marts; probabilities stay in [0, 1].
select
    customer_id,
    'fct_customer_clv' as mart
from {{ ref('fct_customer_clv') }}
where
    clv_reporting < 0
    or {{ is_nan('clv_reporting') }} or {{ is_infinite('clv_reporting') }}
    or coalesce(
        {{ is_nan('model_clv_discounted_reporting') }} or {{ is_infinite('model_clv_discounted_reporting') }}
        or model_clv_discounted_reporting < 0,
        false
    )
    or coalesce(
        {{ is_nan('expected_purchases_90d') }} or {{ is_infinite('expected_purchases_90d') }}
        or expected_purchases_90d < 0,
        false
    )
    or coalesce(
        {{ is_nan('expected_purchases_365d') }} or {{ is_infinite('expected_purchases_365d') }}
        or expected_purchases_365d < expected_purchases_90d,
        false
    )
    or coalesce(
        {{ is_nan('expected_average_order_value_reporting') }} or expected_average_order_value_reporting <= 0, false
    )
    or coalesce(
        {{ is_nan('subscription_clv_discounted_reporting') }} or subscription_clv_discounted_reporting < 0, false
    )
union all
select
    customer_id,
    'fct_customer_churn' as mart
from {{ ref('fct_customer_churn') }}
where
    churn_probability < 0 or churn_probability > 1 or {{ is_nan('churn_probability') }}
    or coalesce(p_alive < 0 or p_alive > 1 or {{ is_nan('p_alive') }}, false)
    or coalesce(contract_churn_probability < 0 or contract_churn_probability > 1, false)
