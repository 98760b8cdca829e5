{#-
    Per customer with a subscription contract: the contracts projected by sBG
    (int_subscription_contract_scores) rolled up. Contracts are taken as independent: the customer
    has no contract left at the end of the churn horizon with the product of the contracts' churn
    probabilities (a lapsed contract contributes 1); NULL when a contract could not be projected
    (its interval's sBG fit failed). Subscription CLV is the sum over the contracts.
-#}
with

contracts as (
    select * from {{ ref('int_subscription_contract_scores') }}
),

final as (
    select
        customer_id,
        count(*) as subscription_contracts,
        sum(case when is_active then 1 else 0 end) as active_subscription_contracts,
        case
            when count(*) > count(contract_churn_probability) then null
            when min(contract_churn_probability) <= 0 then cast(0 as {{ type_double() }})
            else exp(sum(ln(greatest(contract_churn_probability, 1e-300))))
        end as contract_churn_probability,
        case when count(*) > count(subscription_clv) then null else sum(subscription_clv) end
            as subscription_clv,
        case when count(*) > count(subscription_clv) then null else sum(expected_payments_in_horizon) end
            as expected_subscription_payments,
        case
            when count(*) > count(contract_churn_probability) then 'heuristic'
            when sum(case when is_active then 1 else 0 end) = 0 then 'lapsed'
            else 'sbg'
        end as contract_method
    from contracts
    group by customer_id
)

select * from final
