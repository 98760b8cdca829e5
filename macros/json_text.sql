{#-
    json_text: the text value at a JSONPath in a JSON document ('$.buyer_details.email'); NULL when
    absent or JSON null. is_valid_json: whether a text parses as JSON.
    Dispatched so another engine can supply its own (Spark: get_json_object).
-#}
{% macro json_text(json_column, path) -%}
    {{ return(adapter.dispatch('json_text', 'customer_warehouse')(json_column, path)) }}
{%- endmacro %}

{% macro default__json_text(json_column, path) -%}
    ({{ json_column }} ->> '{{ path }}')
{%- endmacro %}

{% macro is_valid_json(text) -%}
    {{ return(adapter.dispatch('is_valid_json', 'customer_warehouse')(text)) }}
{%- endmacro %}

{% macro default__is_valid_json(text) -%}
    coalesce(json_valid({{ text }}), false)
{%- endmacro %}
