{#-
    Monthly acquisition cohorts by months since the first paid order, for all sources together
    (source_system = 'all') and for each source system on its own (a customer's cohort there is their
    first paid order in that system). One row per cohort and month from month 0 up to the as-of
    month, months without activity included:
      cohort_customers  customers whose first paid order fell in the cohort month
      active_customers  of them, those with a paid order in the month (month 0: all of them)
      retention_rate    active_customers / cohort_customers
      orders, revenue_reporting  their paid orders and the net of those orders in the month
      cumulative_revenue_per_customer_reporting  revenue of months 0..n / cohort_customers
-#}
with

paid_orders as (
    select
        customer_id,
        source_system,
        order_month,
        net_amount_reporting
    from {{ ref('fct_orders') }}
    where is_paid and order_date <= {{ as_of_date() }} and customer_id is not null
),

scoped as (
    select
        customer_id,
        'all' as source_system,
        order_month,
        net_amount_reporting
    from paid_orders
    union all
    select
        customer_id,
        source_system,
        order_month,
        net_amount_reporting
    from paid_orders
),

customer_months as (
    select
        source_system,
        customer_id,
        order_month,
        count(*) as orders,
        sum(net_amount_reporting) as revenue_reporting
    from scoped
    group by source_system, customer_id, order_month
),

cohort_members as (
    select
        source_system,
        customer_id,
        min(order_month) as cohort_month
    from customer_months
    group by source_system, customer_id
),

cohort_sizes as (
    select
        source_system,
        cohort_month,
        count(*) as cohort_customers
    from cohort_members
    group by source_system, cohort_month
),

activity as (
    select
        cohort_members.source_system,
        cohort_members.cohort_month,
        {{ month_diff('cohort_members.cohort_month', 'customer_months.order_month') }} as months_since_first_order,
        count(*) as active_customers,
        sum(customer_months.orders) as orders,
        sum(customer_months.revenue_reporting) as revenue_reporting
    from cohort_members
    inner join customer_months
        on
            cohort_members.source_system = customer_months.source_system
            and cohort_members.customer_id = customer_months.customer_id
    group by
        cohort_members.source_system,
        cohort_members.cohort_month,
        {{ month_diff('cohort_members.cohort_month', 'customer_months.order_month') }}
),

grid as (
    select
        source_system,
        cohort_month,
        cohort_customers,
        {{ integer_range(
            '0', month_diff('cohort_month', 'cast(date_trunc(\'month\', ' ~ as_of_date() ~ ') as date)')
        ) }} as months_since_first_order
    from cohort_sizes
),

final as (
    select
        grid.source_system,
        grid.cohort_month,
        cast(grid.months_since_first_order as integer) as months_since_first_order,
        cast({{ add_months('grid.cohort_month', 'cast(grid.months_since_first_order as integer)') }} as date)
            as activity_month,
        grid.cohort_customers,
        coalesce(activity.active_customers, 0) as active_customers,
        cast(coalesce(activity.active_customers, 0) as {{ type_double() }}) / grid.cohort_customers as retention_rate,
        cast(coalesce(activity.orders, 0) as bigint) as orders,
        cast(coalesce(activity.revenue_reporting, 0) as decimal(18, 2)) as revenue_reporting,
        {%- set cumulative_revenue_per_customer -%}
            sum(coalesce(activity.revenue_reporting, 0)) over (
                partition by grid.source_system, grid.cohort_month
                order by grid.months_since_first_order
                rows between unbounded preceding and current row
            ) / cast(grid.cohort_customers as {{ type_double() }})
        {%- endset %}
        cast({{ round_double(cumulative_revenue_per_customer, 2) }} as decimal(18, 2))
            as cumulative_revenue_per_customer_reporting
    from grid
    left join activity
        on
            grid.source_system = activity.source_system
            and grid.cohort_month = activity.cohort_month
            and grid.months_since_first_order = activity.months_since_first_order
)

select * from final
