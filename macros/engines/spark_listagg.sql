{#-
    dbt.listagg on Spark (an override of dbt-spark 1.11's, found first because it lives in the root
    project): dbt-spark ignores the order-by clause (collect_list in whatever order the rows
    arrive), so dim_customers' source lists would come out in any order. Spark 4 has
    listagg ... within group (order by ...).
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg with limit_num is not supported on Spark here') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
