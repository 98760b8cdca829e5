{#-
    Regular expressions on every engine (docs/engines.md). `pattern` is the regular expression
    itself (a Jinja string, not an SQL literal): each engine gets the literal it needs (Spark reads
    backslash escapes inside literals) and its own way to match the whole text.

    regex_full_match(value, pattern): whether the whole text matches (NULL for NULL).
    regex_full_match_expr(value, pattern_expression): the same with the pattern from an SQL
      expression (a column).
    regex_replace_all(value, pattern, replacement): every match replaced by `replacement` (plain
      text, no group references).

    Patterns stay in the subset the three dialects read alike (RE2, Java, Postgres ARE): classes,
    \s, \d, counted repeats, (?:...), alternation. A code point is written \x{00A0}; Postgres gets
    \u00A0.
-#}
{% macro regex_full_match(value, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'customer_warehouse')(value, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(value, pattern) -%}
    regexp_full_match({{ value }}, {{ string_literal(pattern) }})
{%- endmacro %}

{% macro spark__regex_full_match(value, pattern) -%}
    ({{ value }} rlike {{ string_literal('^(?:' ~ pattern ~ ')\\z') }})
{%- endmacro %}

{% macro postgres__regex_full_match(value, pattern) -%}
    ({{ value }} ~ {{ string_literal('^(?:' ~ _postgres_regex(pattern) ~ ')$') }})
{%- endmacro %}

{% macro regex_full_match_expr(value, pattern_expression) -%}
    {{ return(adapter.dispatch('regex_full_match_expr', 'customer_warehouse')(value, pattern_expression)) }}
{%- endmacro %}

{% macro default__regex_full_match_expr(value, pattern_expression) -%}
    regexp_full_match({{ value }}, {{ pattern_expression }})
{%- endmacro %}

{% macro spark__regex_full_match_expr(value, pattern_expression) -%}
    ({{ value }} rlike concat('^(?:', {{ pattern_expression }}, ')\\z'))
{%- endmacro %}

{% macro postgres__regex_full_match_expr(value, pattern_expression) -%}
    ({{ value }} ~ ('^(?:' || {{ pattern_expression }} || ')$'))
{%- endmacro %}

{% macro regex_replace_all(value, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'customer_warehouse')(value, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ string_literal(pattern) }}, {{ string_literal(replacement) }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ string_literal(pattern) }}, {{ string_literal(replacement) }})
{%- endmacro %}

{% macro postgres__regex_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ string_literal(_postgres_regex(pattern)) }}, {{ string_literal(replacement) }}, 'g')
{%- endmacro %}

{#- Postgres ARE writes a code point \uHHHH where RE2 and Java write \x{HHHH}. -#}
{% macro _postgres_regex(pattern) -%}
    {{ return(modules.re.sub('\\\\x\\{([0-9A-Fa-f]{4})\\}', '\\\\u\\1', pattern)) }}
{%- endmacro %}
