-- Subscription contract spells at the end of the calibration period (as-of date less var
-- clv_holdout_days), macro subscription_contracts: what the sBG model is refitted on and projected
-- from, to be compared with what the contracts did in the holdout (int_subscription_holdout_scores).
{{ subscription_contracts('(' ~ as_of_date() ~ ' - ' ~ var('clv_holdout_days') ~ ')') }}
