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
    local_timestamp(text, format): text without offset parsed with strptime, kept as written.
    subtract_minutes(timestamp, minutes): the timestamp `minutes` earlier.
    Each gives NULL for a value it cannot parse, so staging can quarantine the row.

    DuckDB parses with strptime. Spark and Postgres have no strptime: the format becomes a regular
    expression the text must match whole, whose fields are rearranged into ISO-8601, which the
    engine then casts (Spark's session time zone is UTC, see profiles.yml). Supported directives:
    %Y %m %d %H %M %S %f %z. Postgres would otherwise read 'yesterday' or '03/05/2024' as times.
-#}
{% macro utc_from_iso(json_column, path) -%}
    {{ utc_from_iso_text(json_text(json_column, path)) }}
{%- endmacro %}

{% macro utc_from_iso_text(text) -%}
    {{ return(adapter.dispatch('utc_from_iso_text', 'customer_warehouse')(text)) }}
{%- endmacro %}

{% macro default__utc_from_iso_text(text) -%}
    timezone('UTC', try_cast({{ text }} as timestamptz))
{%- endmacro %}

{#- The ISO-8601 shapes DuckDB's cast reads: a date, optionally a time, optionally an offset. -#}
{% macro _iso_timestamp_pattern() -%}
    {{ return('[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?') }}
{%- endmacro %}

{% macro spark__utc_from_iso_text(text) -%}
    case when {{ regex_full_match(text, _iso_timestamp_pattern()) }} then try_cast({{ text }} as timestamp) end
{%- endmacro %}

{% macro postgres__utc_from_iso_text(text) -%}
    case
        when {{ regex_full_match(text, _iso_timestamp_pattern()) }} and pg_input_is_valid({{ text }}, 'timestamptz')
            then cast({{ text }} as timestamptz) at time zone 'UTC'
    end
{%- endmacro %}

{% macro utc_from_postgres(text) -%}
    coalesce(
        {{ utc_from_text(text, '%Y-%m-%d %H:%M:%S.%f%z') }},
        {{ utc_from_text(text, '%Y-%m-%d %H:%M:%S%z') }}
    )
{%- endmacro %}

{% macro utc_from_text(text, format) -%}
    {{ return(adapter.dispatch('utc_from_text', 'customer_warehouse')(text, format)) }}
{%- endmacro %}

{% macro default__utc_from_text(text, format) -%}
    timezone('UTC', try_strptime({{ text }}, '{{ format }}'))
{%- endmacro %}

{% macro spark__utc_from_text(text, format) -%}
    {{ _parse_with_format(text, format) }}
{%- endmacro %}

{% macro postgres__utc_from_text(text, format) -%}
    {{ _parse_with_format(text, format) }}
{%- endmacro %}

{% macro utc_from_local(text, format, time_zone) -%}
    {{ return(adapter.dispatch('utc_from_local', 'customer_warehouse')(text, format, time_zone)) }}
{%- endmacro %}

{% macro default__utc_from_local(text, format, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, try_strptime({{ text }}, '{{ format }}')))
{%- endmacro %}

{% macro spark__utc_from_local(text, format, time_zone) -%}
    to_utc_timestamp({{ _parse_with_format(text, format) }}, {{ time_zone }})
{%- endmacro %}

{% macro postgres__utc_from_local(text, format, time_zone) -%}
    (({{ _parse_with_format(text, format) }}) at time zone {{ time_zone }} at time zone 'UTC')
{%- endmacro %}

{% macro local_timestamp(text, format) -%}
    {{ return(adapter.dispatch('local_timestamp', 'customer_warehouse')(text, format)) }}
{%- endmacro %}

{% macro default__local_timestamp(text, format) -%}
    try_strptime({{ text }}, '{{ format }}')
{%- endmacro %}

{% macro spark__local_timestamp(text, format) -%}
    {{ _parse_with_format(text, format) }}
{%- endmacro %}

{% macro postgres__local_timestamp(text, format) -%}
    {{ _parse_with_format(text, format) }}
{%- endmacro %}

{% macro utc_from_epoch(seconds) -%}
    {{ return(adapter.dispatch('utc_from_epoch', 'customer_warehouse')(seconds)) }}
{%- endmacro %}

{% macro default__utc_from_epoch(seconds) -%}
    timezone(
        'UTC',
        case
            when abs(try_cast({{ seconds }} as bigint)) < 100000000000
                then to_timestamp(try_cast({{ seconds }} as bigint))
        end
    )
{%- endmacro %}

{% macro spark__utc_from_epoch(seconds) -%}
    case
        when abs(try_cast({{ seconds }} as bigint)) < 100000000000
            then timestamp_seconds(try_cast({{ seconds }} as bigint))
    end
{%- endmacro %}

{% macro postgres__utc_from_epoch(seconds) -%}
    case
        when abs({{ try_cast(seconds, 'bigint') }}) < 100000000000
            then to_timestamp({{ try_cast(seconds, 'bigint') }}) at time zone 'UTC'
    end
{%- endmacro %}

{% macro subtract_minutes(timestamp, minutes) -%}
    {{ return(adapter.dispatch('subtract_minutes', 'customer_warehouse')(timestamp, minutes)) }}
{%- endmacro %}

{% macro default__subtract_minutes(timestamp, minutes) -%}
    {{ timestamp }} - to_minutes(cast({{ minutes }} as bigint))
{%- endmacro %}

{% macro spark__subtract_minutes(timestamp, minutes) -%}
    timestampadd(minute, -cast({{ minutes }} as bigint), {{ timestamp }})
{%- endmacro %}

{% macro postgres__subtract_minutes(timestamp, minutes) -%}
    {{ timestamp }} - make_interval(mins => cast({{ minutes }} as integer))
{%- endmacro %}

{#-
    Spark and Postgres: `text` parsed with the strptime `format`, NULL unless it matches whole.
    With %z the result is UTC, without it the wall-clock time as written.
-#}
{% macro _parse_with_format(text, format) -%}
    {%- set fields = {
        'Y': '([0-9]{4})', 'm': '([0-9]{1,2})', 'd': '([0-9]{1,2})', 'H': '([0-9]{1,2})',
        'M': '([0-9]{2})', 'S': '([0-9]{2})', 'f': '([0-9]{1,6})', 'z': '(Z|[+-][0-9]{2}(?::?[0-9]{2})?)',
    } -%}
    {%- set state = {'regex': '', 'groups': [], 'directive': false} -%}
    {%- for char in format -%}
        {%- if state.directive -%}
            {%- if char not in fields -%}
                {{ exceptions.raise_compiler_error('strptime directive %' ~ char ~ ' is not supported: ' ~ format) }}
            {%- endif -%}
            {%- do state.update({'regex': state.regex ~ fields[char], 'directive': false}) -%}
            {%- do state.groups.append(char) -%}
        {%- elif char == '%' -%}
            {%- do state.update({'directive': true}) -%}
        {%- else -%}
            {%- do state.update({'regex': state.regex ~ modules.re.escape(char)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for required in ['Y', 'm', 'd', 'H', 'M', 'S'] if required not in state.groups -%}
        {{ exceptions.raise_compiler_error('strptime format needs %Y %m %d %H %M %S: ' ~ format) }}
    {%- endfor -%}
    {{ return(adapter.dispatch('_cast_formatted_timestamp', 'customer_warehouse')(text, state.regex, state.groups)) }}
{%- endmacro %}

{#- The matched fields of `text` rearranged into ISO-8601 ('Y-m-d H:M:S.f z'), `ref` the
    engine's back-reference to a group ('$' or '\\'). -#}
{% macro _iso_from_groups(text, regex, groups, ref) -%}
    {%- set group = {} -%}
    {%- for name in groups %}{% do group.update({name: ref ~ loop.index}) %}{% endfor -%}
    {%- set iso = group.Y ~ '-' ~ group.m ~ '-' ~ group.d ~ ' ' ~ group.H ~ ':' ~ group.M ~ ':' ~ group.S
        ~ ('.' ~ group.f if 'f' in group else '') ~ (' ' ~ group.z if 'z' in group else '') -%}
    {{ return('regexp_replace(' ~ text ~ ', ' ~ string_literal('^' ~ regex ~ '$') ~ ', ' ~ string_literal(iso) ~ ')') }}
{%- endmacro %}

{% macro default___cast_formatted_timestamp(text, regex, groups) -%}
    {{ exceptions.raise_compiler_error('no strptime emulation for ' ~ target.type ~ ': use try_strptime') }}
{%- endmacro %}

{% macro spark___cast_formatted_timestamp(text, regex, groups) -%}
    case when {{ regex_full_match(text, regex) }} then try_cast({{ _iso_from_groups(text, regex, groups, '$') }} as timestamp) end
{%- endmacro %}

{% macro postgres___cast_formatted_timestamp(text, regex, groups) -%}
    {%- set iso_text = _iso_from_groups(text, _postgres_regex(regex), groups, '\\') -%}
    {%- set type = 'timestamptz' if 'z' in groups else 'timestamp' -%}
    case
        when {{ regex_full_match(text, regex) }} and pg_input_is_valid({{ iso_text }}, '{{ type }}')
            then cast({{ iso_text }} as {{ type }}){% if 'z' in groups %} at time zone 'UTC'{% endif %}
    end
{%- endmacro %}
