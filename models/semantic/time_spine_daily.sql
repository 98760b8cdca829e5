{#-
    MetricFlow's time spine (docs/semantic-layer.md): one row per calendar day from var
    time_spine_start to var time_spine_end, configured as the daily spine in _time_spine.yml
    (dbt 1.9+ style: a `time_spine:` property, not the legacy metricflow_time_spine model).
    generate_series with a column alias runs on DuckDB and PostgreSQL alike.
-#}
with

days as (
    select cast(spine.day_start as date) as date_day
    from generate_series(
        cast('{{ var("time_spine_start") }}' as timestamp),
        cast('{{ var("time_spine_end") }}' as timestamp),
        interval '1 day'
    ) as spine (day_start)
)

select date_day from days
