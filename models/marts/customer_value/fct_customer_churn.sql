{#-
    Churn per customer with a paid order: BG/NBD's probability that the customer is still active
    (P(alive)) and churn probability = 1 - P(alive), a risk band (high below var
    churn_high_risk_below_p_alive, medium below churn_medium_risk_below_p_alive, else low), beside the
    customer-intelligence service's rule-based churn probability and the lifecycle segment. Where the
    fit failed (clv_method 'heuristic'), churn_probability falls back to the rule-based one.
-#}
with

scores as (
    select * from {{ ref('int_customer_clv_scores') }}
),

lifecycle as (
    select * from {{ ref('fct_customer_lifecycle') }}
),

final as (
    select
        scores.customer_id,
        lifecycle.as_of_date,
        scores.p_alive,
        coalesce(1 - scores.p_alive, lifecycle.rule_churn_probability) as churn_probability,
        case
            when scores.p_alive is null then 'unknown'
            when scores.p_alive < {{ var('churn_high_risk_below_p_alive') }} then 'high'
            when scores.p_alive < {{ var('churn_medium_risk_below_p_alive') }} then 'medium'
            else 'low'
        end as churn_risk_band,
        case when scores.p_alive is null then 'rule' else 'bg_nbd' end as churn_method,
        lifecycle.rule_churn_probability,
        lifecycle.lifecycle_segment,
        lifecycle.days_since_last_purchase
    from scores
    inner join lifecycle on scores.customer_id = lifecycle.customer_id
)

select * from final
