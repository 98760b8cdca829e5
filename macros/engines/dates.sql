{#-
    Date arithmetic that differs between engines (docs/engines.md). Arguments are SQL expressions.

    days_between(start_date, end_date): whole days from start to end (dates; negative when end is
      earlier). DuckDB and Postgres subtract dates; Spark's date subtraction gives an interval.
    month_diff(start_month, end_month): whole months between two dates (month boundaries crossed).
    add_months(date, months): the date `months` later.
    integer_range(start, stop): a set-returning expression giving start, start + 1, ..., stop,
      for the select list (one output row per value).
-#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'customer_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}

{% macro month_diff(start_month, end_month) -%}
    {{ return(adapter.dispatch('month_diff', 'customer_warehouse')(start_month, end_month)) }}
{%- endmacro %}

{% macro default__month_diff(start_month, end_month) -%}
    date_diff('month', {{ start_month }}, {{ end_month }})
{%- endmacro %}

{% macro spark__month_diff(start_month, end_month) -%}
    (
        (year({{ end_month }}) - year({{ start_month }})) * 12
        + month({{ end_month }}) - month({{ start_month }})
    )
{%- endmacro %}

{% macro postgres__month_diff(start_month, end_month) -%}
    cast(
        (extract(year from {{ end_month }}) - extract(year from {{ start_month }})) * 12
        + extract(month from {{ end_month }}) - extract(month from {{ start_month }})
        as bigint
    )
{%- endmacro %}

{% macro add_months(date, months) -%}
    {{ return(adapter.dispatch('add_months', 'customer_warehouse')(date, months)) }}
{%- endmacro %}

{% macro default__add_months(date, months) -%}
    {{ date }} + to_months({{ months }})
{%- endmacro %}

{% macro spark__add_months(date, months) -%}
    add_months({{ date }}, {{ months }})
{%- endmacro %}

{% macro postgres__add_months(date, months) -%}
    {{ date }} + make_interval(months => {{ months }})
{%- endmacro %}

{% macro integer_range(start, stop) -%}
    {{ return(adapter.dispatch('integer_range', 'customer_warehouse')(start, stop)) }}
{%- endmacro %}

{% macro default__integer_range(start, stop) -%}
    unnest(range({{ start }}, {{ stop }} + 1))
{%- endmacro %}

{% macro spark__integer_range(start, stop) -%}
    explode(sequence({{ start }}, {{ stop }}))
{%- endmacro %}

{% macro postgres__integer_range(start, stop) -%}
    generate_series({{ start }}, {{ stop }})
{%- endmacro %}
