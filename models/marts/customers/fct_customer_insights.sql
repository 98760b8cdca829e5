{#-
    The insights each customer triggers, one row per customer and insight: every rule of seed
    customer_insight_rules (metric, comparison, threshold, impact, suggested actions) evaluated
    against the customer's metrics in fct_customer_lifecycle. New insights are rows in the seed.
-#}
with

lifecycle as (
    select * from {{ ref('fct_customer_lifecycle') }}
),

rules as (
    select * from {{ ref('customer_insight_rules') }}
),

metrics as (
    select
        customer_id,
        'rule_churn_probability' as metric,
        cast(rule_churn_probability as {{ type_double() }}) as metric_value
    from lifecycle
    union all
    select
        customer_id,
        'days_since_last_purchase' as metric,
        cast(days_since_last_purchase as {{ type_double() }}) as metric_value
    from lifecycle
    union all
    select
        customer_id,
        'total_spent_reporting' as metric,
        cast(total_spent_reporting as {{ type_double() }}) as metric_value
    from lifecycle
),

final as (
    select
        metrics.customer_id,
        rules.insight_type,
        rules.title,
        rules.impact,
        rules.suggested_actions,
        rules.metric,
        metrics.metric_value,
        rules.comparison,
        rules.threshold
    from metrics
    inner join rules on metrics.metric = rules.metric
    where
        case rules.comparison
            when '>' then metrics.metric_value > rules.threshold
            when '>=' then metrics.metric_value >= rules.threshold
            when '<' then metrics.metric_value < rules.threshold
            when '<=' then metrics.metric_value <= rules.threshold
            when '=' then metrics.metric_value = rules.threshold
        end
)

select * from final
