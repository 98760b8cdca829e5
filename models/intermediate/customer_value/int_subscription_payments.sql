{#-
    Every paid subscription payment, with the contract it pays for (docs/customer-value.md):
    - PayPal: a Subscription Payment, whose "Reference Txn ID" names the recurring profile ('I-...'):
      the contract is the profile;
    - Kajabi: a subscription charge, or a charge for an offer whose Payment Type is subscription: the
      contract is the Kajabi customer's subscription to that offer, billed at the offer's interval.
    A one-off purchase named a membership (PayPal's 'Lifetime Membership') is not a contract. These
    payments leave the non-contractual purchase summary (macro clv_summary); the contracts are
    int_subscription_contracts.
-#}
with

orders as (
    select * from {{ ref('int_orders_identified') }}
    where is_paid and customer_id is not null and transaction_type = 'sale'
),

paypal_transactions as (
    select * from {{ ref('stg_paypal__transactions') }}
),

kajabi_transactions as (
    select * from {{ ref('stg_kajabi__transactions') }}
),

kajabi_offers as (
    select * from {{ ref('stg_kajabi__offers') }}
),

paypal_payments as (
    select
        transaction_id,
        'paypal:' || subscription_id as contract_key,
        cast(null as {{ dbt.type_string() }}) as billing_interval
    from paypal_transactions
    where subscription_id is not null and not is_refund
),

kajabi_payments as (
    select
        kajabi_transactions.transaction_id,
        'kajabi:' || kajabi_transactions.customer_id || ':' || kajabi_transactions.offer_id as contract_key,
        kajabi_offers.billing_interval
    from kajabi_transactions
    left join kajabi_offers on kajabi_transactions.offer_id = kajabi_offers.offer_id
    where
        not kajabi_transactions.is_refund
        and (
            kajabi_transactions.transaction_type = 'subscription_charge'
            or coalesce(kajabi_offers.is_subscription, false)
        )
),

contract_payments as (
    select
        'paypal' as source_system,
        transaction_id,
        contract_key,
        billing_interval
    from paypal_payments
    union all
    select
        'kajabi' as source_system,
        transaction_id,
        contract_key,
        billing_interval
    from kajabi_payments
),

final as (
    select
        orders.order_key,
        orders.customer_id,
        contract_payments.contract_key,
        orders.source_system,
        contract_payments.billing_interval,
        orders.net_amount_reporting,
        orders.order_date
    from orders
    inner join contract_payments
        on
            orders.source_system = contract_payments.source_system
            and orders.source_table = 'transactions'
            and orders.order_id = contract_payments.transaction_id
)

select * from final
