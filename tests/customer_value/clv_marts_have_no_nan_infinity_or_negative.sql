-- No NaN, no infinity and no negative value reaches the CLV and churn marts; probabilities stay in [0, 1].
select
    customer_id,
    'fct_customer_clv' as mart
from {{ ref('fct_customer_clv') }}
where
    clv_reporting < 0
    or isnan(clv_reporting) or isinf(clv_reporting)
    or coalesce(isnan(model_clv_reporting) or isinf(model_clv_reporting) or model_clv_reporting < 0, false)
    or coalesce(isnan(expected_purchases_90d) or isinf(expected_purchases_90d) or expected_purchases_90d < 0, false)
    or coalesce(
        isnan(expected_purchases_365d) or isinf(expected_purchases_365d)
        or expected_purchases_365d < expected_purchases_90d,
        false
    )
    or coalesce(
        isnan(expected_average_order_value_reporting) or expected_average_order_value_reporting <= 0, false
    )
union all
select
    customer_id,
    'fct_customer_churn' as mart
from {{ ref('fct_customer_churn') }}
where
    churn_probability < 0 or churn_probability > 1 or isnan(churn_probability)
    or coalesce(p_alive < 0 or p_alive > 1 or isnan(p_alive), false)
