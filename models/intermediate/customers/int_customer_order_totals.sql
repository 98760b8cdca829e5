{#-
    Per customer with at least one order (int_orders_identified), over all their orders: rows,
    sales, paid orders and tickets, spend, first and last orders (macro customer_order_totals). No
    as-of date: int_customer_order_summary measures these totals at one.
    Incremental (docs/customer-marts.md): a run recomputes only the affected customers, those with
    orders (re)loaded since this table's last run (loaded_at; int_orders_identified reloads the
    orders of merged, split and erased customers too), the absorbed or split ids of records whose
    customer changed (int_customer_ids.previous_customer_id) and erased customers still here
    (int_erased_customers). A recomputed customer with no order left (merged away, erased) is
    written with order_rows 0 and deleted by the post-hook. When orders left customers outside that
    set (an order deleted upstream, or moved to another customer by a re-extract), the order count
    no longer balances and the run recomputes every customer, with a log line saying so.
-#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='customer_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}delete from {{ this }} where order_rows = 0{% endif %}",
) }}

{%- set affected_customers -%}
    -- customers with orders (re)loaded since this table's last run
    select identified.customer_id
    from {{ ref('int_orders_identified') }} as identified
    where
        identified.customer_id is not null
        and identified.loaded_at > (
            select coalesce(max(loaded.loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            from {{ this }} as loaded
        )
    union
    -- ids that records left in this identity run (merged into another customer, or split)
    select ids.previous_customer_id as customer_id
    from {{ ref('int_customer_ids') }} as ids
    where ids.previous_customer_id != ids.customer_id
    union
    -- erased customers still summarised here (their orders are now anonymous)
    select erased.customer_id
    from {{ ref('int_erased_customers') }} as erased
    inner join {{ this }} as loaded on erased.customer_id = loaded.customer_id
{%- endset -%}

{%- set recompute_all = not is_incremental() -%}
{%- if is_incremental() and execute -%}
    {%- set balance -%}
        with affected as ({{ affected_customers }}),
        orders as (select customer_id from {{ ref('int_orders_identified') }} where customer_id is not null)
        select
            (select count(*) from orders) as order_rows,
            (select count(*) from orders where customer_id in (select affected.customer_id from affected))
            + (
                select coalesce(sum(loaded.order_rows), 0) from {{ this }} as loaded
                where loaded.customer_id not in (select affected.customer_id from affected)
            ) as expected_order_rows
    {%- endset -%}
    {%- set counts = run_query(balance).rows[0] -%}
    {%- if counts[0] != counts[1] -%}
        {%- do log(this ~ ': ' ~ counts[0] ~ ' orders have a customer, ' ~ counts[1] ~ ' expected: orders left'
            ~ ' customers outside the affected set (deleted upstream or moved by a re-extract);'
            ~ ' recomputing every customer', info=true) -%}
        {%- set recompute_all = true -%}
    {%- endif -%}
{%- endif %}

with

-- the linter renders both branches of is_incremental(): no indent check in this part
-- noqa: disable=LT02
{% if not recompute_all -%}
affected as (
    {{ affected_customers }}
),
{% endif %}

orders as (
    select * from {{ ref('int_orders_identified') }}
    -- an erased customer's orders are anonymous: they count in totals, not for any customer
    where
        customer_id is not null
        {%- if not recompute_all %}
        and customer_id in (select affected.customer_id from affected)
        {%- endif %}
),

totals as (
    {{ customer_order_totals('orders') }}
),

{% if is_incremental() -%}
gone as (
    -- recomputed customers with no order left: written with order_rows 0 for the post-hook to delete
    select loaded.customer_id
    from {{ this }} as loaded
    where
        loaded.customer_id not in (select totals.customer_id from totals)
        {%- if not recompute_all %}
        and loaded.customer_id in (select affected.customer_id from affected)
        {%- endif %}
),
{% endif %}

final as (
    select
        customer_id,
        order_rows,
        orders,
        paid_orders,
        paid_tickets,
        total_spent_reporting,
        paid_orders_net_reporting,
        first_order_at,
        first_paid_order_at,
        last_paid_order_at,
        -- the run that (re)computed the customer; the next run's affected orders are those loaded later
        {{ run_started_timestamp() }} as loaded_at
    from totals
    {%- if is_incremental() %}
    union all
    select
        customer_id,
        0 as order_rows,
        0 as orders,
        0 as paid_orders,
        0 as paid_tickets,
        0 as total_spent_reporting,
        0 as paid_orders_net_reporting,
        cast(null as {{ dbt.type_timestamp() }}) as first_order_at,
        cast(null as {{ dbt.type_timestamp() }}) as first_paid_order_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_paid_order_at,
        {{ run_started_timestamp() }} as loaded_at
    from gone
    {%- endif %}
)
-- noqa: enable=LT02

select * from final
