{#-
    Churn per customer with a paid order, as the business means it: churn_probability is the
    probability that the customer makes no purchase in the next var churn_horizon_days days
    (docs/customer-value.md).
    - Non-contractual purchases: P(no purchase in the horizon | x, t_x, T) from the purchase model
      chosen on the holdout (int_customer_clv_scores).
    - Subscriptions are contracts: the probability that every contract has ended by the end of the
      horizon, projected with sBG (int_customer_subscriptions); a lapsed contract has ended.
    - A customer with both: the product (the two taken as independent).
    Where a part could not be scored (a fit failed) the rule-based probability stands in, and
    churn_method says 'rule'. p_alive (the purchase model's probability that the customer has not
    dropped out) is kept beside it: it is not a churn probability (a one-time buyer has P(alive) = 1
    under BG/NBD however long ago they bought). Risk bands on churn_probability: high from var
    churn_high_risk_from, medium from var churn_medium_risk_from, low below.
-#}
with

customers as (
    select * from {{ ref('fct_customer_lifecycle') }}
    where paid_orders > 0
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
        customers.rule_churn_probability,
        customers.lifecycle_segment,
        customers.days_since_last_purchase,
        scores.purchase_model,
        scores.p_alive,
        scores.p_no_purchase_in_horizon,
        subscriptions.contract_churn_probability,
        subscriptions.contract_method,
        coalesce(subscriptions.active_subscription_contracts, 0) as active_subscription_contracts,
        scores.customer_id is not null as has_purchases,
        subscriptions.customer_id is not null as has_subscription,
        (scores.customer_id is not null and scores.p_no_purchase_in_horizon is null)
        or (subscriptions.customer_id is not null and subscriptions.contract_churn_probability is null)
            as is_rule_fallback
    from customers
    left join scores on customers.customer_id = scores.customer_id
    left join subscriptions on customers.customer_id = subscriptions.customer_id
),

probabilities as (
    select
        *,
        case
            when is_rule_fallback then cast(rule_churn_probability as {{ type_double() }})
            else coalesce(p_no_purchase_in_horizon, 1.0) * coalesce(contract_churn_probability, 1.0)
        end as churn_probability,
        case
            when is_rule_fallback then 'rule'
            when has_purchases and has_subscription then purchase_model || '+' || contract_method
            when has_purchases then purchase_model
            else contract_method
        end as churn_method
    from combined
),

final as (
    select
        customer_id,
        as_of_date,
        {{ var('churn_horizon_days') }} as churn_horizon_days,
        p_alive,
        p_no_purchase_in_horizon as purchase_churn_probability,
        contract_churn_probability,
        churn_probability,
        case
            when churn_probability >= {{ var('churn_high_risk_from') }} then 'high'
            when churn_probability >= {{ var('churn_medium_risk_from') }} then 'medium'
            else 'low'
        end as churn_risk_band,
        churn_method,
        purchase_model,
        rule_churn_probability,
        lifecycle_segment,
        days_since_last_purchase,
        active_subscription_contracts,
        has_subscription
    from probabilities
)

select * from final
