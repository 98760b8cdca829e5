{#-
    What each erasure request did, without any personal data: how many customers, source records
    and orders it reached. A request that matched nobody shows 0 (the person was not in the data).
-#}
with

requests as (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

erased as (
    select * from {{ ref('int_erased_customers') }}
),

ids as (
    select * from {{ ref('int_customer_ids') }}
),

orders as (
    select * from {{ ref('int_orders_unioned') }}
),

per_request as (
    select
        requests.request_id,
        count(distinct erased.customer_id) as customers_erased,
        count(distinct ids.customer_record_id) as records_erased,
        count(distinct orders.order_key) as orders_anonymised
    from requests
    left join erased on requests.request_id = erased.request_id
    left join ids on erased.customer_id = ids.customer_id
    left join orders on ids.customer_record_id = orders.customer_record_id
    group by requests.request_id
),

final as (
    select
        requests.request_id,
        requests.identifier_type,
        requests.requested_at,
        per_request.customers_erased,
        per_request.records_erased,
        per_request.orders_anonymised
    from requests
    inner join per_request on requests.request_id = per_request.request_id
)

select * from final
