{#-
    How well BG/NBD fitted on the calibration period predicts the holdout period (var
    clv_holdout_days up to the as-of date): per bucket of calibration repeat purchases (0 .. 6, '7+')
    and for all customers ('all'): customers, actual and predicted purchases (total and mean), mean
    absolute error, root mean squared error per customer, and the aggregate percentage error
    (predicted total - actual total) / actual total. NULL predictions (failed fit) give NULL errors.
-#}
with

predictions as (
    select
        *,
        case when x >= 7 then '7+' else cast(x as {{ dbt.type_string() }}) end as frequency_bucket
    from {{ ref('int_customer_clv_holdout_predictions') }}
),

bucketed as (
    select
        frequency_bucket,
        customer_id,
        holdout_purchases,
        predicted_purchases
    from predictions
    union all
    select
        'all' as frequency_bucket,
        customer_id,
        holdout_purchases,
        predicted_purchases
    from predictions
),

final as (
    select
        frequency_bucket,
        count(*) as customers,
        sum(holdout_purchases) as actual_purchases,
        sum(predicted_purchases) as predicted_purchases,
        avg(holdout_purchases) as mean_actual_purchases,
        avg(predicted_purchases) as mean_predicted_purchases,
        avg(abs(predicted_purchases - holdout_purchases)) as mean_absolute_error,
        sqrt(avg(power(predicted_purchases - holdout_purchases, 2))) as root_mean_squared_error,
        (sum(predicted_purchases) - sum(holdout_purchases)) / nullif(sum(holdout_purchases), 0)
            as aggregate_percentage_error
    from bucketed
    group by frequency_bucket
)

select * from final
