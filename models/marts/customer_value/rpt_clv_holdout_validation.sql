{#-
    How well the chosen purchase model, fitted on the calibration period, predicts the holdout that
    follows (var clv_holdout_days up to the as-of date), by bucket of the calibration summary:
    'frequency' (repeat purchases 0 .. 6, '7+'), 'recency' and 'age' (days since the last purchase,
    days since the first: 0-90, 91-180, 181-365, 366-730, 731+) and 'all'. Per bucket: customers,
    actual and predicted purchases (total, mean absolute and root mean squared error per customer,
    aggregate percentage error), the observed share with no holdout purchase against the mean
    predicted P(no purchase), and the realised holdout value against the predicted (undiscounted
    purchases x Gamma-Gamma value).
-#}
{%- set day_buckets -%}
    case
        when {days} <= 90 then '0-90'
        when {days} <= 180 then '91-180'
        when {days} <= 365 then '181-365'
        when {days} <= 730 then '366-730'
        else '731+'
    end
{%- endset %}
with

scores as (
    select * from {{ ref('int_customer_clv_holdout_scores') }}
),

chosen as (
    select score_name from {{ ref('int_customer_clv_model_comparison') }}
    where is_chosen
),

predictions as (
    select scores.*
    from scores
    inner join chosen on scores.score_name = chosen.score_name
),

bucketed as (
    select
        'frequency' as bucket_type,
        case
            when predictions.x >= 7 then '7+' else cast(predictions.x as {{ dbt.type_string() }})
        end as bucket,
        predictions.*
    from predictions
    union all
    select
        'recency' as bucket_type,
        {{ day_buckets | replace('{days}', '(predictions.t_age - predictions.t_x)') }} as bucket,
        predictions.*
    from predictions
    union all
    select
        'age' as bucket_type,
        {{ day_buckets | replace('{days}', 'predictions.t_age') }} as bucket,
        predictions.*
    from predictions
    union all
    select
        'all' as bucket_type,
        'all' as bucket,
        predictions.*
    from predictions
),

final as (
    select
        bucket_type,
        bucket,
        min(score_name) as score_name,
        count(*) as customers,
        sum(holdout_purchases) as actual_purchases,
        sum(predicted_purchases) as predicted_purchases,
        avg(abs(predicted_purchases - holdout_purchases)) as mean_absolute_error,
        sqrt(avg(power(predicted_purchases - holdout_purchases, 2))) as root_mean_squared_error,
        (sum(predicted_purchases) - sum(holdout_purchases)) / nullif(sum(holdout_purchases), 0)
            as aggregate_percentage_error,
        avg(case when has_no_holdout_purchase then cast(1 as {{ type_double() }}) else 0 end)
            as observed_no_purchase_rate,
        avg(churn_score) as mean_predicted_no_purchase,
        sum(holdout_value_reporting) as actual_value_reporting,
        sum(predicted_value) as predicted_value_reporting
    from bucketed
    group by bucket_type, bucket
)

select * from final
