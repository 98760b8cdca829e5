{#-
    The churn probability's evidence: every purchase model (fitted on the calibration period) and
    every naive baseline scored against "no purchase in the holdout" (int_customer_clv_model_comparison):
    AUC, Brier score, log-loss, mean absolute calibration error over deciles, predicted against
    actual holdout purchases; which model the documented criterion chose, and whether it beats the
    baselines (the build warns when it does not).
-#}
with

comparison as (
    select * from {{ ref('int_customer_clv_model_comparison') }}
),

final as (
    select
        score_name,
        score_kind,
        status,
        message,
        criterion,
        customers,
        observed_no_purchase_rate,
        mean_predicted_no_purchase,
        auc,
        brier_score,
        log_loss,
        calibration_error,
        actual_purchases,
        predicted_purchases,
        purchases_mean_absolute_error,
        model_rank,
        is_chosen,
        beats_baselines
    from comparison
)

select * from final
