{#-
    sorted_list_text(measure, delimiter_text): an aggregate, the group's non-null values of `measure`
    in ascending order joined by `delimiter_text` (an SQL string literal); NULL for a group without
    any. What dbt.listagg(measure, delimiter_text, 'order by ' ~ measure) gives, and that is what every
    engine but DuckDB runs. On DuckDB an ordered aggregate sorts inside every group and took 5 of
    dim_customers' 9 s at 1M orders; collecting the list and sorting it takes a fraction of that.
-#}
{% macro sorted_list_text(measure, delimiter_text) -%}
    {{ return(adapter.dispatch('sorted_list_text', 'customer_warehouse')(measure, delimiter_text)) }}
{%- endmacro %}

{% macro default__sorted_list_text(measure, delimiter_text) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ measure) }}
{%- endmacro %}

{% macro duckdb__sorted_list_text(measure, delimiter_text) -%}
    array_to_string(list_sort(list({{ measure }}) filter (where {{ measure }} is not null)), {{ delimiter_text }})
{%- endmacro %}
