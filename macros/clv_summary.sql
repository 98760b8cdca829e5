{#-
    clv_summary(end_date): the per-customer summary the customer-base models (BG/NBD, Gamma-Gamma)
    need, from paid orders (int_orders_identified, the rows of fct_orders) up to `end_date` (a SQL
    date expression), in days:
      x          repeat purchases: days with a paid order after the first such day
      t_x        days from the first purchase day to the last
      T          days from the first purchase day to end_date (the customer's age)
      mean_repeat_value  mean net value of the repeat purchase days (reporting currency), NULL if x = 0
    A day is one purchase (several orders on one day count once, their values summed), the usual
    convention of these models at day grain. Customers with a paid order by end_date only.
    Subscription payments (int_subscription_payments) are contracts, not purchases: they are left
    out here and modelled by sBG from int_subscription_contracts.
-#}
{% macro clv_summary(end_date) -%}
    with

    purchase_days as (
        select
            customer_id,
            order_date,
            sum(net_amount_reporting) as day_value
        from {{ ref('int_orders_identified') }}
        where
            is_paid and order_date <= {{ end_date }} and customer_id is not null
            and order_key not in (select subscription.order_key from {{ ref('int_subscription_payments') }} as subscription)
        group by customer_id, order_date
    ),

    ranked as (
        select
            *,
            min(order_date) over (partition by customer_id) as first_purchase_date
        from purchase_days
    )

    select
        customer_id,
        cast({{ end_date }} as date) as summary_date,
        cast(count(*) - 1 as integer) as x,
        cast({{ days_between('min(order_date)', 'max(order_date)') }} as integer) as t_x,
        cast({{ days_between('min(order_date)', end_date) }} as integer) as t_age,
        -- the exact sum as a float over the count: the same bits on every engine (avg of a decimal is
        -- a float on DuckDB but a rounded decimal on Spark and Postgres), so the fits are the same
        cast(sum(day_value) filter (where order_date > first_purchase_date) as {{ type_double() }})
        / nullif(count(*) filter (where order_date > first_purchase_date), 0) as mean_repeat_value,
        min(first_purchase_date) as first_purchase_date
    from ranked
    group by customer_id
{%- endmacro %}
