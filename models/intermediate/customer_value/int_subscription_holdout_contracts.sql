{#-
    Every subscription contract spell active at the end of the calibration period
    (int_subscription_contracts_calibration) matched to the same spell at the as-of date
    (int_subscription_contracts: same contract, customer and start), with the renewal points it had
    faced and the renewals it had made at both dates and whether it is still active:
    int_subscription_holdout_scores projects each through the holdout. A spell whose start moved
    between the two dates (its billing interval was re-inferred) has no match and is left out.
-#}
with

calibration as (
    select * from {{ ref('int_subscription_contracts_calibration') }}
),

at_end as (
    select * from {{ ref('int_subscription_contracts') }}
),

final as (
    select
        calibration.contract_id,
        calibration.customer_id,
        calibration.billing_interval,
        calibration.renewal_points,
        calibration.renewals,
        at_end.renewal_points as renewal_points_at_end,
        at_end.renewals as renewals_at_end,
        at_end.is_active as is_active_at_end
    from calibration
    inner join at_end
        on
            calibration.contract_key = at_end.contract_key
            and calibration.customer_id = at_end.customer_id
            and calibration.started_date = at_end.started_date
    where calibration.is_active
)

select * from final
