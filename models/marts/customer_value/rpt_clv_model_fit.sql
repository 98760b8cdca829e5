{#-
    One row per fitted model and period (int_customer_clv_fits): parameters, log-likelihood,
    customers, rows after grouping, iterations, convergence, fit time and status; for the purchase
    models their holdout scores and whether the holdout chose them (int_customer_clv_model_comparison,
    docs/customer-value.md).
-#}
with

fits as (
    select * from {{ ref('int_customer_clv_fits') }}
),

comparison as (
    select * from {{ ref('int_customer_clv_model_comparison') }}
    where score_kind = 'model'
),

final as (
    select
        fits.model,
        fits.period,
        fits.status,
        fits.message,
        fits.time_unit,
        fits.r,
        fits.alpha,
        fits.a,
        fits.b,
        fits.s,
        fits.beta,
        fits.p,
        fits.q,
        fits.gamma,
        fits.log_likelihood,
        fits.customers,
        fits.rows_fitted,
        fits.iterations,
        fits.fit_seconds,
        comparison.auc as holdout_auc,
        comparison.brier_score as holdout_brier_score,
        comparison.log_loss as holdout_log_loss,
        comparison.model_rank as holdout_rank,
        fits.converged,
        coalesce(comparison.is_chosen, false) as is_chosen
    from fits
    left join comparison on fits.model = comparison.score_name
)

select * from final
