{#-
    Every staged order and transaction is in fct_orders exactly once, with its money: per source,
    the row count and the sum of the amount the source states (the total the buyer was charged, or
    the signed transaction amount) agree to the cent with staging. Returns the sources that differ.
    The sources and their staged amounts are the registry's `orders` entries (macro source_registry).
-#}
with

staged as (
    {% for entry in registered_tables('orders') -%}
        select
            '{{ entry.source_system }}' as source_system,
            count(*) as order_rows,
            sum({{ entry.orders.stated_amount }}) as stated_amount
        from {{ ref(entry.orders.staged) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

marts as (
    select
        source_system,
        count(*) as order_rows,
        -- what the buyer was charged: gross less discounts; a refund row states minus the refund
        sum(case when transaction_type = 'refund' then -refund_amount else gross_amount - discount_amount end)
            as stated_amount
    from {{ ref('fct_orders') }}
    group by source_system
)

select
    staged.source_system,
    staged.order_rows as staged_rows,
    marts.order_rows as mart_rows,
    staged.stated_amount as staged_amount,
    marts.stated_amount as mart_amount
from staged
left join marts on staged.source_system = marts.source_system
where
    -- a source with no rows (the demo's transactions CSV) has no rows in the mart either
    coalesce(marts.order_rows, 0) <> staged.order_rows
    or coalesce(marts.stated_amount, 0) <> coalesce(staged.stated_amount, 0)
