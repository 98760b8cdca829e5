-- Warns when more than 5% of the customers the lifecycle mart calls 'lost' are in the 'low' churn
-- risk band (issue 16: under P(alive) 1,760 of 2,042 were): the churn probability then contradicts
-- what the customer visibly did. Returns the share when it is too high.
{{ config(severity = 'warn') }}
with

churn as (
    select * from {{ ref('fct_customer_churn') }}
),

lost as (
    select
        count(*) as lost_customers,
        count(case when churn_risk_band = 'low' then 1 end) as lost_in_low_band
    from churn
    where lifecycle_segment = 'lost'
),

final as (
    select
        lost_customers,
        lost_in_low_band,
        cast(lost_in_low_band as {{ type_double() }}) / lost_customers as low_share
    from lost
    where lost_customers > 0 and lost_in_low_band > 0.05 * lost_customers
)

select * from final
