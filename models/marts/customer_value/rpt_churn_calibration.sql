{#-
    Calibration of the chosen purchase model's churn probability on the holdout, by decile: customers
    sorted by predicted P(no purchase in the holdout) (ties by customer id) and cut into ten groups
    whose sizes differ by at most one (row i of n in decile floor(10 i / n) + 1, as
    customer_value.metrics.calibration_table). Per decile: customers, mean predicted, observed share
    with no holdout purchase and the absolute difference.
-#}
with

scores as (
    select * from {{ ref('int_customer_clv_holdout_scores') }}
),

chosen as (
    select score_name from {{ ref('int_customer_clv_model_comparison') }}
    where is_chosen
),

ordered as (
    select
        scores.score_name,
        scores.churn_score,
        scores.has_no_holdout_purchase,
        row_number() over (order by scores.churn_score, scores.customer_id) - 1 as row_position,
        count(*) over () as customers
    from scores
    inner join chosen on scores.score_name = chosen.score_name
),

final as (
    select
        min(score_name) as score_name,
        cast(floor(10.0 * row_position / customers) as integer) + 1 as decile,
        count(*) as customers,
        avg(churn_score) as mean_predicted_no_purchase,
        avg(case when has_no_holdout_purchase then cast(1 as {{ type_double() }}) else 0 end)
            as observed_no_purchase_rate,
        abs(
            avg(churn_score) - avg(case when has_no_holdout_purchase then cast(1 as {{ type_double() }}) else 0 end)
        ) as absolute_error,
        min(churn_score) as min_predicted,
        max(churn_score) as max_predicted
    from ordered
    group by cast(floor(10.0 * row_position / customers) as integer) + 1
)

select * from final
