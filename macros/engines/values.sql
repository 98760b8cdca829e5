{#-
    Row and float helpers that differ between engines (docs/engines.md).

    row_to_json_text(relation_alias): the whole row of `relation_alias` as a JSON object text,
      columns in order, NULLs kept as null (raw_record in the base models).
    is_nan(value), is_infinite(value): float checks (Postgres has no isnan/isinf).
-#}
{% macro row_to_json_text(relation_alias) -%}
    {{ return(adapter.dispatch('row_to_json_text', 'customer_warehouse')(relation_alias)) }}
{%- endmacro %}

{% macro default__row_to_json_text(relation_alias) -%}
    cast(to_json({{ relation_alias }}) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__row_to_json_text(relation_alias) -%}
    to_json(struct({{ relation_alias }}.*), map('ignoreNullFields', 'false'))
{%- endmacro %}

{% macro postgres__row_to_json_text(relation_alias) -%}
    cast(row_to_json({{ relation_alias }}) as text)
{%- endmacro %}

{% macro is_nan(value) -%}
    {{ return(adapter.dispatch('is_nan', 'customer_warehouse')(value)) }}
{%- endmacro %}

{% macro default__is_nan(value) -%}
    isnan({{ value }})
{%- endmacro %}

{% macro postgres__is_nan(value) -%}
    (cast({{ value }} as double precision) = 'NaN'::double precision)
{%- endmacro %}

{% macro is_infinite(value) -%}
    {{ return(adapter.dispatch('is_infinite', 'customer_warehouse')(value)) }}
{%- endmacro %}

{% macro default__is_infinite(value) -%}
    isinf({{ value }})
{%- endmacro %}

{% macro spark__is_infinite(value) -%}
    (abs({{ value }}) = double('infinity'))
{%- endmacro %}

{% macro postgres__is_infinite(value) -%}
    (abs(cast({{ value }} as double precision)) = 'Infinity'::double precision)
{%- endmacro %}
