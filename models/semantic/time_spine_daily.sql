{#-
    MetricFlow's time spine (docs/semantic-layer.md): one row per calendar day from var
    time_spine_start to var time_spine_end, configured as the daily spine in _time_spine.yml
    (dbt 1.9+ style: a `time_spine:` property, not the legacy metricflow_time_spine model).
    Day offsets from the engine macros integer_range and days_between, dates from dbt's dateadd:
    the same on DuckDB, Spark and PostgreSQL.
-#}
{%- set spine_start = "cast('" ~ var('time_spine_start') ~ "' as date)" -%}
{%- set spine_end = "cast('" ~ var('time_spine_end') ~ "' as date)" -%}
with

offsets as (
    select {{ integer_range(0, days_between(spine_start, spine_end)) }} as day_offset
),

days as (
    select cast({{ dbt.dateadd('day', 'day_offset', spine_start) }} as date) as date_day
    from offsets
)

select date_day from days
