{#-
    Customer lifetime value per customer with a paid order (docs/customer-value.md), in the
    reporting currency, in two parts that add up:
    - purchases: the purchase model chosen on the holdout and Gamma-Gamma, expected value of the
      purchases in the next var clv_horizon_months months, discounted at var clv_monthly_discount_rate
      a month (int_customer_clv_scores; subscription payments are not purchases);
    - subscriptions: the active contracts' payments over the same months, projected with sBG and
      discounted the same way (int_customer_subscriptions).
    clv_reporting is their sum, or where a part could not be modelled (clv_method 'heuristic') the
    customer-intelligence service's heuristic: average order value x orders a year x 3 years,
    undiscounted (heuristic_clv_3y_undiscounted_reporting). Never NULL, never negative.
-#}
with

customers as (
    select * from {{ ref('fct_customer_lifecycle') }}
    where paid_orders > 0
),

summary as (
    select * from {{ ref('int_customer_clv_summary') }}
),

scores as (
    select * from {{ ref('int_customer_clv_scores') }}
),

subscriptions as (
    select * from {{ ref('int_customer_subscriptions') }}
),

combined as (
    select
        customers.customer_id,
        customers.as_of_date,
        coalesce(summary.x, 0) as repeat_purchases,
        coalesce(summary.t_x, 0) as days_first_to_last_purchase,
        summary.t_age as customer_age_days,
        customers.total_spent_reporting as historical_value_reporting,
        scores.purchase_model,
        scores.expected_purchases_90d,
        scores.expected_purchases_365d,
        scores.expected_average_order_value as expected_average_order_value_reporting,
        case when scores.customer_id is null then 0 else scores.model_clv end as purchase_clv_discounted_reporting,
        subscriptions.expected_subscription_payments,
        case
            when subscriptions.customer_id is null then 0 else subscriptions.subscription_clv
        end as subscription_clv_discounted_reporting,
        customers.heuristic_clv_reporting as heuristic_clv_3y_undiscounted_reporting,
        coalesce(subscriptions.active_subscription_contracts, 0) as active_subscription_contracts,
        scores.clv_method as purchase_clv_method,
        subscriptions.contract_method
    from customers
    left join summary on customers.customer_id = summary.customer_id
    left join scores on customers.customer_id = scores.customer_id
    left join subscriptions on customers.customer_id = subscriptions.customer_id
),

final as (
    select
        customer_id,
        as_of_date,
        repeat_purchases,
        days_first_to_last_purchase,
        customer_age_days,
        historical_value_reporting,
        purchase_model,
        expected_purchases_90d,
        expected_purchases_365d,
        expected_average_order_value_reporting,
        expected_subscription_payments,
        purchase_clv_discounted_reporting,
        subscription_clv_discounted_reporting,
        purchase_clv_discounted_reporting + subscription_clv_discounted_reporting as model_clv_discounted_reporting,
        heuristic_clv_3y_undiscounted_reporting,
        greatest(
            coalesce(
                purchase_clv_discounted_reporting + subscription_clv_discounted_reporting,
                heuristic_clv_3y_undiscounted_reporting,
                0
            ),
            0
        ) as clv_reporting,
        case
            when purchase_clv_discounted_reporting is null or subscription_clv_discounted_reporting is null
                then 'heuristic'
            else 'model'
        end as clv_method,
        purchase_clv_method,
        contract_method,
        active_subscription_contracts,
        {{ var('clv_horizon_months') }} as clv_horizon_months,
        {{ var('clv_monthly_discount_rate') }} as clv_monthly_discount_rate
    from combined
)

select * from final
