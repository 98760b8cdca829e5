{#-
    as_of_date(): SQL expression of the date customer metrics are measured at: var as_of_date
    ('YYYY-MM-DD') when set, else the date of the latest order (int_orders_identified, the rows of
    fct_orders), so rebuilding the same data gives the same marts whatever the day.
-#}
{% macro as_of_date() -%}
    {%- if var('as_of_date') -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        (select max(order_date) from {{ ref('int_orders_identified') }})
    {%- endif -%}
{%- endmacro %}
