{#-
    Subscription retention through the holdout, projected by sBG (refitted on the contracts at the end
    of calibration) against what the contracts did, renewal point by renewal point
    (int_subscription_retention_tracking).
-#}
with

tracking as (
    select * from {{ ref('int_subscription_retention_tracking') }}
),

final as (
    select
        billing_interval,
        renewal_point,
        contracts_at_risk,
        projected_active,
        actual_active,
        projected_retention,
        actual_retention,
        projected_retention - actual_retention as retention_error
    from tracking
)

select * from final
