-- rpt_retention_cohorts reconciles with fct_orders: over every source and over each source alone,
-- cohort sizes add up to the customers with a paid order, and orders and revenue to their totals.
with

expected as (
    select
        'all' as source_system,
        count(distinct customer_id) as customers,
        count(*) as orders,
        sum(net_amount_reporting) as revenue
    from {{ ref('fct_orders') }}
    where is_paid and order_date <= {{ as_of_date() }} and customer_id is not null
    union all
    select
        source_system,
        count(distinct customer_id) as customers,
        count(*) as orders,
        sum(net_amount_reporting) as revenue
    from {{ ref('fct_orders') }}
    where is_paid and order_date <= {{ as_of_date() }} and customer_id is not null
    group by source_system
),

reported as (
    select
        source_system,
        sum(cohort_customers) filter (where months_since_first_order = 0) as customers,
        sum(orders) as orders,
        sum(revenue_reporting) as revenue
    from {{ ref('rpt_retention_cohorts') }}
    group by source_system
)

select
    expected.source_system,
    expected.customers as expected_customers,
    reported.customers as reported_customers,
    expected.orders as expected_orders,
    reported.orders as reported_orders,
    expected.revenue as expected_revenue,
    reported.revenue as reported_revenue
from expected
left join reported on expected.source_system = reported.source_system
where
    reported.customers is distinct from expected.customers
    or reported.orders is distinct from expected.orders
    or reported.revenue is distinct from expected.revenue
