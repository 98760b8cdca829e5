{#-
    Types and casts that differ between engines (docs/engines.md).

    try_cast(value, type): `value` (an SQL expression) cast to `type`, NULL when it does not convert
    (DuckDB and Spark: try_cast; Postgres 16+: pg_input_is_valid decides, then a plain cast).
    Conversions of odd text differ at the edges: Spark also reads '1.5' as the integer 1 and 'yes'
    as true, Postgres reads 'on' as true; the landing data's values convert the same everywhere.
    type_double(): the 8-byte float (Postgres spells it double precision; dbt's type_float() is a
    4-byte float on Spark).
-#}
{% macro try_cast(value, type) -%}
    {{ return(adapter.dispatch('try_cast', 'customer_warehouse')(value, type)) }}
{%- endmacro %}

{% macro default__try_cast(value, type) -%}
    try_cast({{ value }} as {{ type }})
{%- endmacro %}

{#- The outer cast keeps the type's modifiers (a case expression would drop decimal(18, 2) to numeric). -#}
{% macro postgres__try_cast(value, type) -%}
    cast(case when pg_input_is_valid(cast({{ value }} as text), '{{ type }}') then cast({{ value }} as text) end as {{ type }})
{%- endmacro %}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'customer_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}

{#-
    round_double(value, digits): a float rounded to `digits` decimals the way DuckDB rounds floats:
    round(value * 10^digits) / 10^digits, half away from zero, on the float itself. A money value
    whose exact decimal ends in 5 at the next digit (16.185) is stored a hair below or above it
    (16.18499999...), so DuckDB gives 16.18; Spark's round() would read 16.185 and give 16.19, and
    Postgres only rounds numeric (or rounds floats half to even). The same float gives the same
    cent on every engine.
-#}
{% macro round_double(value, digits) -%}
    {{ return(adapter.dispatch('round_double', 'customer_warehouse')(value, digits)) }}
{%- endmacro %}

{% macro default__round_double(value, digits) -%}
    round({{ value }}, {{ digits }})
{%- endmacro %}

{% macro spark__round_double(value, digits) -%}
    (round(cast({{ value }} as double) * {{ 10 ** digits }}) / {{ 10 ** digits }})
{%- endmacro %}

{% macro postgres__round_double(value, digits) -%}
    (
        sign(cast({{ value }} as double precision))
        * floor(abs(cast({{ value }} as double precision)) * {{ 10 ** digits }} + 0.5) / {{ 10 ** digits }}
    )
{%- endmacro %}
