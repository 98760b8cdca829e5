{#-
    string_literal(text): a text (a Jinja string) as an SQL string literal of the current engine.
    Standard SQL doubles single quotes; Spark SQL reads backslash escapes in literals ('\s' is 's'),
    so there backslashes and quotes are escaped with a backslash. Use it for any literal that may
    hold a backslash (regular expressions, Windows paths).
-#}
{% macro string_literal(text) -%}
    {{ return(adapter.dispatch('string_literal', 'customer_warehouse')(text)) }}
{%- endmacro %}

{% macro default__string_literal(text) -%}
    {{ return("'" ~ text | replace("'", "''") ~ "'") }}
{%- endmacro %}

{% macro spark__string_literal(text) -%}
    {{ return("'" ~ text | replace('\\', '\\\\') | replace("'", "\\'") ~ "'") }}
{%- endmacro %}
