{#-
    JSON in text columns, on every engine (docs/engines.md). `path` is a JSONPath of object keys
    ('$.buyer_details.email').

    json_text(json_column, path): the text value at path; NULL when absent or JSON null; an object
      or array comes back as JSON text.
    is_valid_json(text): whether a text parses as JSON (false for NULL).
    json_array_length_at(json_column, path): the length of the array at path (NULL when absent).
    json_array_sum(json_column, path, field): the sum of the integer `field` of the objects in the
      array at path; 0 for an empty array, NULL when no element has an integer there.
-#}
{% macro json_text(json_column, path) -%}
    {{ return(adapter.dispatch('json_text', 'customer_warehouse')(json_column, path)) }}
{%- endmacro %}

{% macro default__json_text(json_column, path) -%}
    ({{ json_column }} ->> '{{ path }}')
{%- endmacro %}

{% macro spark__json_text(json_column, path) -%}
    get_json_object({{ json_column }}, '{{ path }}')
{%- endmacro %}

{% macro postgres__json_text(json_column, path) -%}
    (cast({{ json_column }} as jsonb) #>> '{{ _postgres_json_path(path) }}')
{%- endmacro %}

{% macro is_valid_json(text) -%}
    {{ return(adapter.dispatch('is_valid_json', 'customer_warehouse')(text)) }}
{%- endmacro %}

{% macro default__is_valid_json(text) -%}
    coalesce(json_valid({{ text }}), false)
{%- endmacro %}

{% macro spark__is_valid_json(text) -%}
    coalesce(try_parse_json({{ text }}) is not null, false)
{%- endmacro %}

{% macro postgres__is_valid_json(text) -%}
    coalesce({{ text }} is json, false)
{%- endmacro %}

{% macro json_array_length_at(json_column, path) -%}
    {{ return(adapter.dispatch('json_array_length_at', 'customer_warehouse')(json_column, path)) }}
{%- endmacro %}

{% macro default__json_array_length_at(json_column, path) -%}
    json_array_length({{ json_column }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_array_length_at(json_column, path) -%}
    json_array_length(get_json_object({{ json_column }}, '{{ path }}'))
{%- endmacro %}

{% macro postgres__json_array_length_at(json_column, path) -%}
    case
        when jsonb_typeof(cast({{ json_column }} as jsonb) #> '{{ _postgres_json_path(path) }}') = 'array'
            then jsonb_array_length(cast({{ json_column }} as jsonb) #> '{{ _postgres_json_path(path) }}')
    end
{%- endmacro %}

{% macro json_array_sum(json_column, path, field) -%}
    {{ return(adapter.dispatch('json_array_sum', 'customer_warehouse')(json_column, path, field)) }}
{%- endmacro %}

{% macro default__json_array_sum(json_column, path, field) -%}
    case
        when json_type({{ json_column }}, '{{ path }}') = 'ARRAY' and json_array_length({{ json_column }}, '{{ path }}') = 0
            then 0
        else cast(
            list_sum(try_cast(json_extract_string({{ json_column }}, '{{ path }}[*].{{ field }}') as integer[])) as integer
        )
    end
{%- endmacro %}

{% macro spark__json_array_sum(json_column, path, field) -%}
    case
        when json_array_length(get_json_object({{ json_column }}, '{{ path }}')) = 0 then 0
        else cast(aggregate(
            from_json(get_json_object({{ json_column }}, '{{ path }}'), 'array<struct<{{ field }}: string>>'),
            cast(null as bigint),
            (total, item) -> case
                when try_cast(item.{{ field }} as int) is null then total
                else coalesce(total, 0) + try_cast(item.{{ field }} as int)
            end
        ) as integer)
    end
{%- endmacro %}

{% macro postgres__json_array_sum(json_column, path, field) -%}
    {%- set array = 'cast(' ~ json_column ~ ' as jsonb) #> \'' ~ _postgres_json_path(path) ~ '\'' -%}
    case
        when jsonb_typeof({{ array }}) = 'array' and jsonb_array_length({{ array }}) = 0 then 0
        when jsonb_typeof({{ array }}) = 'array' then (
            select cast(sum(cast(json_item ->> '{{ field }}' as integer)) as integer)
            from jsonb_array_elements({{ array }}) as json_items (json_item)
            where pg_input_is_valid(json_item ->> '{{ field }}', 'integer')
        )
    end
{%- endmacro %}

{#- '$.buyer_details.email' as a Postgres text[] path literal: {buyer_details,email} -#}
{% macro _postgres_json_path(path) -%}
    {%- if not path.startswith('$.') or '[' in path or '"' in path -%}
        {{ exceptions.raise_compiler_error('json path not supported on Postgres: ' ~ path) }}
    {%- endif -%}
    {{ return('{' ~ path[2:].split('.') | join(',') ~ '}') }}
{%- endmacro %}
