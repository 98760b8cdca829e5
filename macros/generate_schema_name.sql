{#-
    Use the custom schema name as given (staging, audit, marts, ...) instead of dbt's default
    "<target schema>_<custom schema>", so BI tools and analysts see stable schema names.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
