{#-
    Timestamps in the warehouse are TIMESTAMP (no time zone) holding UTC.

    utc_from_iso(json_column, path): an ISO-8601 text with an offset or 'Z' at a JSON path -> UTC.
    utc_from_iso_text(text): the same for a text column (the loader's _extracted_at stamp).
    utc_from_postgres(text): Postgres timestamptz text ('2025-11-01 10:00:00.123456+00', with or
      without the fraction) -> UTC.
    utc_from_text(text, format): text with a %z offset parsed with strptime -> UTC.
    utc_from_local(text, format, time_zone): local wall-clock text without offset, in an IANA zone -> UTC.
    utc_from_epoch(seconds): Unix seconds -> UTC; NULL outside years 1653-5138 (|seconds| >= 1e11),
    which catches milliseconds passed as seconds instead of failing the whole query.
    Each gives NULL for a value it cannot parse, so staging can quarantine the row.
-#}
{% macro utc_from_iso(json_column, path) -%}
    {{ utc_from_iso_text(json_text(json_column, path)) }}
{%- endmacro %}

{% macro utc_from_iso_text(text) -%}
    timezone('UTC', try_cast({{ text }} as timestamptz))
{%- endmacro %}

{% macro utc_from_postgres(text) -%}
    coalesce(
        {{ utc_from_text(text, '%Y-%m-%d %H:%M:%S.%f%z') }},
        {{ utc_from_text(text, '%Y-%m-%d %H:%M:%S%z') }}
    )
{%- endmacro %}

{% macro utc_from_text(text, format) -%}
    timezone('UTC', try_strptime({{ text }}, '{{ format }}'))
{%- endmacro %}

{% macro utc_from_local(text, format, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, try_strptime({{ text }}, '{{ format }}')))
{%- endmacro %}

{% macro utc_from_epoch(seconds) -%}
    timezone(
        'UTC',
        case
            when abs(try_cast({{ seconds }} as bigint)) < 100000000000
                then to_timestamp(try_cast({{ seconds }} as bigint))
        end
    )
{%- endmacro %}
