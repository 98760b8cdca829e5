{#-
    Timestamps in the warehouse are TIMESTAMP (no time zone) holding UTC.

    utc_from_iso(json_column, path): an ISO-8601 text with an offset or 'Z' at a JSON path -> UTC.
    utc_from_text(text, format): text with a %z offset parsed with strptime -> UTC.
    utc_from_local(text, format, time_zone): local wall-clock text without offset, in an IANA zone -> UTC.
    utc_from_epoch(seconds): Unix seconds -> UTC; NULL outside years 1653-5138 (|seconds| >= 1e11),
    which catches milliseconds passed as seconds instead of failing the whole query.
    Each gives NULL for a value it cannot parse, so staging can quarantine the row.
-#}
{% macro utc_from_iso(json_column, path) -%}
    timezone('UTC', try_cast({{ json_text(json_column, path) }} as timestamptz))
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
