{#-
    Text clean-up shared by staging models.

    clean_text: collapses runs of whitespace to one space, trims, and turns '' into NULL.
    normalize_name: clean_text, and a name typed all in capitals or all in lower case is
    title-cased ('STEPHANIE HENDRICH' -> 'Stephanie Hendrich'); mixed case is kept as typed
    (so 'McDonald' stays 'McDonald').
-#}
{% macro clean_text(text) -%}
    nullif(trim({{ regex_replace_all(text, '\\s+', ' ') }}), '')
{%- endmacro %}

{% macro normalize_name(name) -%}
    case
        when {{ clean_text(name) }} = upper({{ clean_text(name) }})
            or {{ clean_text(name) }} = lower({{ clean_text(name) }})
            then {{ title_case(clean_text(name)) }}
        else {{ clean_text(name) }}
    end
{%- endmacro %}

{% macro title_case(text) -%}
    {{ return(adapter.dispatch('title_case', 'customer_warehouse')(text)) }}
{%- endmacro %}

{#- Words are split at single spaces (clean_text leaves no other whitespace); the first letter of
    each is upper-cased, the rest lower-cased. -#}
{% macro default__title_case(text) -%}
    array_to_string(
        list_transform(string_split(lower({{ text }}), ' '), lambda word: upper(word[1]) || word[2:]),
        ' '
    )
{%- endmacro %}

{#- Spark's initcap splits words at spaces only, as above. -#}
{% macro spark__title_case(text) -%}
    initcap(lower({{ text }}))
{%- endmacro %}

{#- Postgres's initcap also splits at punctuation (O'Brien, Mary-Jane): split at spaces instead. -#}
{% macro postgres__title_case(text) -%}
    (
        select string_agg(upper(left(title_word, 1)) || substr(title_word, 2), ' ' order by title_position)
        from unnest(string_to_array(lower({{ text }}), ' ')) with ordinality as title_words (title_word, title_position)
    )
{%- endmacro %}

{#-
    first_word / after_first_word: split a full name at its first space ('Mary Jane Doe' ->
    'Mary' and 'Jane Doe'); NULL parts for a one-word or empty name.
-#}
{% macro first_word(text) -%}
    nullif(split_part({{ clean_text(text) }}, ' ', 1), '')
{%- endmacro %}

{% macro after_first_word(text) -%}
    nullif(trim(substr({{ clean_text(text) }}, length(split_part({{ clean_text(text) }}, ' ', 1)) + 1)), '')
{%- endmacro %}
