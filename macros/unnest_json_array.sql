{#-
    unnest_json_array(relation, json_column, path, columns): one row per element of the JSON array
    at `path` ('$.attendees') in `json_column` (JSON text) of `relation` (a CTE name or a ref), on
    every engine (docs/adding-a-source.md, "Nested records"). Each row carries the parent's
    `columns` (a list of column names), `element_index` (1 for the first element, in array order)
    and `element` (the element as JSON text, read with json_text('element', '$.field')). A parent
    whose value at `path` is absent, JSON null, an empty array or not an array gives no rows.
    Returns a whole select statement, for a CTE of its own.
-#}
{% macro unnest_json_array(relation, json_column, path, columns) -%}
    {{ return(adapter.dispatch('unnest_json_array', 'customer_warehouse')(relation, json_column, path, columns)) }}
{%- endmacro %}

{% macro default__unnest_json_array(relation, json_column, path, columns) -%}
    {%- set is_array = "json_type(" ~ json_column ~ ", '" ~ path ~ "') = 'ARRAY'" -%}
    select
        {% for column in columns %}{{ column }},
        {% endfor -%}
        cast(element_index as integer) as element_index,
        cast(element as varchar) as element
    from (
        select
            {% for column in columns %}{{ column }},
            {% endfor -%}
            -- two unnests in one select list advance together: element i beside index i
            unnest(case when {{ is_array }} then cast(json_extract({{ json_column }}, '{{ path }}') as json []) end)
                as element,
            unnest(case when {{ is_array }} then
                range(1, cast(json_array_length({{ json_column }}, '{{ path }}') as bigint) + 1)
            end) as element_index
        from {{ relation }}
    ) as elements
{%- endmacro %}

{% macro postgres__unnest_json_array(relation, json_column, path, columns) -%}
    {%- set value = 'cast(' ~ json_column ~ ' as jsonb) #> \'' ~ _postgres_json_path(path) ~ '\'' -%}
    select
        {% for column in columns %}parent.{{ column }},
        {% endfor -%}
        cast(elements.element_index as integer) as element_index,
        cast(elements.element as text) as element
    from {{ relation }} as parent
    cross join lateral jsonb_array_elements(
        case when jsonb_typeof({{ value }}) = 'array' then {{ value }} end
    ) with ordinality as elements (element, element_index)
{%- endmacro %}

{% macro spark__unnest_json_array(relation, json_column, path, columns) -%}
    {#- from_json to array<string> keeps each element's JSON text (an object or array; a string element
        comes without its quotes, a JSON null as NULL); a value that is not an array is NULL -#}
    select
        {% for column in columns %}parent.{{ column }},
        {% endfor -%}
        cast(elements.element_position + 1 as int) as element_index,
        elements.element
    from {{ relation }} as parent
    lateral view posexplode(
        from_json(get_json_object({{ json_column }}, '{{ path }}'), 'array<string>')
    ) elements as element_position, element
{%- endmacro %}
