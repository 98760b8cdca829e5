{#-
    customer_order_totals(orders): the select that sums the rows of `orders` (a relation or CTE with
    the columns of int_orders_identified and a customer on every row) per customer: rows, sales, paid
    orders and tickets, spend, first and last orders. One definition for int_customer_order_totals
    (all orders, incremental) and int_customer_order_summary (orders up to an explicit as-of date).
    A paid order is fct_orders.is_paid; spend is the net of every row that counts toward revenue
    (refund transactions subtract), in the reporting currency.
-#}
{% macro customer_order_totals(orders) -%}
    select
        customer_id,
        count(*) as order_rows,
        count(*) filter (where transaction_type = 'sale') as orders,
        count(*) filter (where is_paid) as paid_orders,
        coalesce(sum(ticket_count) filter (where is_paid), 0) as paid_tickets,
        coalesce(sum(net_amount_reporting) filter (where counts_toward_revenue), 0) as total_spent_reporting,
        coalesce(sum(net_amount_reporting) filter (where is_paid), 0) as paid_orders_net_reporting,
        min(ordered_at) as first_order_at,
        min(ordered_at) filter (where is_paid) as first_paid_order_at,
        max(ordered_at) filter (where is_paid) as last_paid_order_at
    from {{ orders }}
    group by customer_id
{%- endmacro %}
