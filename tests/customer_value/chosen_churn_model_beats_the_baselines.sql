-- Warns when the purchase model chosen on the holdout does not beat the naive baselines (AUC at
-- least every baseline's, Brier score at most every probability baseline's): the churn
-- probability then ranks customers worse than a rule of thumb (rpt_churn_model_comparison says which).
{{ config(severity = 'warn') }}
select
    score_name,
    auc,
    brier_score
from {{ ref('rpt_churn_model_comparison') }}
where is_chosen and not beats_baselines
