{#-
    normalize_phone(phone, default_country)
    ---------------------------------------
    Returns a SQL expression giving the phone number in E.164 form ('+61412345678'), or NULL.
    Both arguments are SQL expressions: a column name or a quoted literal such as "'AU'".
    The country rules (calling code, trunk prefix, international prefix, and the regex that a
    national significant number (NSN) must fully match) come from the seed country_phone_rules;
    only the countries listed there are supported, every other number gives NULL.

    It mirrors phonenumbers / libphonenumber parse(phone, default_country) + is_valid_number,
    limited to fixed-line and mobile numbers of the supported countries:

    1. Clean: remove leading and trailing whitespace, and spaces (also no-break spaces), dots,
       hyphens, parentheses and slashes anywhere. What is left must be digits with an optional
       leading '+', else NULL: so empty strings, letters (also extensions like 'ext 12' and
       vanity numbers like '1800 FLOWERS', which libphonenumber would accept), tabs or line
       breaks inside the number (libphonenumber rejects those too), '#', '*', ',' and a second
       '+' give NULL.
    2. International when it starts with '+', or with the default country's international
       prefix ('0011' AU, '011' US/CA, '00' GB/GH/NZ). The digits after it must start with the
       calling code of a supported country; the rest, minus one trunk prefix of that country if
       present ('+61 (0)4..' and '+1 1 303..' are accepted, as libphonenumber does), must fully
       match that country's nsn_pattern.
    3. Otherwise national, read in the default country (unknown/NULL default: NULL):
       a. the digits minus the default country's trunk prefix ('0412..' -> '412..') must match
          the pattern of a country sharing the default's calling code (a Canadian number written
          nationally with default US is Canadian, as in libphonenumber);
       b. failing that, digits that start with the default's calling code without '+'
          ('61412345678', '61 0412..' with AU) are read as that code plus an NSN (with one
          optional trunk prefix), as libphonenumber does.

    Not mirrored (rare in customer data): libphonenumber's alternative international prefixes
    (AU 0014/0015/..., NZ 0161), carrier selection codes (AU 1831/1832, GB 180020), multiple
    leading '+' signs, and non-ASCII digits.

    Speed: a regex whose pattern is a column is compiled again for every row (DuckDB 1.5: about
    0.1 ms for the US pattern, 2-3 minutes per million distinct numbers; with literal patterns
    2-3 seconds). So when the seed is already
    loaded at compile time (dbt run/build load it first, as it is a ref), the patterns are read
    with run_query and written into the SQL as literals, compiled once per query; calling codes
    and prefixes are still read from the table by the query. Before the seed exists (dbt parse,
    compile on an empty database), and for a country added to the seed after compilation, the
    pattern comes from the table at query time: same results, only slower. Rebuild the models
    using this macro after changing the seed (dbt build does).
-#}
{% macro normalize_phone(phone, default_country) -%}
    {#- Internal names carry the prefix np_ so that they cannot capture the caller's columns; the
        caller's expressions are evaluated in a select without FROM, so they only see the
        caller's query. -#}
    {%- set rules = ref('country_phone_rules') -%}
    {%- set patterns = _normalize_phone_compile_time_patterns() -%}
    (
        select min(
            case
                when {{ _normalize_phone_matches('np_candidate.np_nsn', patterns) }}
                    then '+' || np_candidate.calling_code || np_candidate.np_nsn
                when {{ _normalize_phone_matches('np_candidate.np_nsn_after_code', patterns) }}
                    then '+' || np_candidate.calling_code || np_candidate.np_nsn_after_code
            end
        )
        from (
            select
                np_rule.country_code,
                np_rule.calling_code,
                np_rule.nsn_pattern,
                case
                    when np_parsed.np_international is not null then
                        case
                            when left(np_parsed.np_international, length(np_rule.calling_code)) = np_rule.calling_code
                                then {{ _normalize_phone_strip_prefix(
                                    'substr(np_parsed.np_international, length(np_rule.calling_code) + 1)',
                                    'np_rule.trunk_prefix'
                                ) }}
                        end
                    when np_rule.calling_code = np_parsed.np_default_calling_code
                        then {{ _normalize_phone_strip_prefix(
                            'np_parsed.np_digits', 'np_parsed.np_default_trunk_prefix'
                        ) }}
                end as np_nsn,
                case
                    when np_parsed.np_international is null
                        and np_rule.calling_code = np_parsed.np_default_calling_code
                        and left(np_parsed.np_digits, length(np_rule.calling_code)) = np_rule.calling_code
                        then {{ _normalize_phone_strip_prefix(
                            'substr(np_parsed.np_digits, length(np_rule.calling_code) + 1)',
                            'np_rule.trunk_prefix'
                        ) }}
                end as np_nsn_after_code
            from (
                select
                    np_input.np_digits,
                    np_default.calling_code as np_default_calling_code,
                    np_default.trunk_prefix as np_default_trunk_prefix,
                    case
                        when left(np_input.np_digits, 1) = '+'
                            then substr(np_input.np_digits, 2)
                        when np_default.international_prefix <> ''
                            and left(np_input.np_digits, length(np_default.international_prefix))
                            = np_default.international_prefix
                            then substr(np_input.np_digits, length(np_default.international_prefix) + 1)
                    end as np_international
                from (
                    select
                        {{ regex_replace_all(
                            'cast(' ~ phone ~ ' as ' ~ dbt.type_string() ~ ')', '^\\s+|\\s+$|[ \\x{00A0}.()/-]', ''
                        ) }} as np_digits,
                        upper(trim(cast({{ default_country }} as {{ dbt.type_string() }}))) as np_default_country
                ) as np_input
                left join {{ rules }} as np_default
                    on np_default.country_code = np_input.np_default_country
                where {{ regex_full_match('np_input.np_digits', '\\+?[0-9]+') }}
            ) as np_parsed
            cross join {{ rules }} as np_rule
        ) as np_candidate
    )
{%- endmacro %}

{#- `value` without its leading `prefix` (once), or `value` unchanged; both are SQL expressions. -#}
{% macro _normalize_phone_strip_prefix(value, prefix) -%}
    case
        when {{ prefix }} <> '' and left({{ value }}, length({{ prefix }})) = {{ prefix }}
            then substr({{ value }}, length({{ prefix }}) + 1)
        else {{ value }}
    end
{%- endmacro %}

{#- SQL condition: the NSN expression `nsn` fully matches the pattern of np_candidate's country;
    `patterns` are [(country_code, nsn_pattern), ...] to write as literals (see the banner). -#}
{% macro _normalize_phone_matches(nsn, patterns) -%}
    {%- if patterns -%}
        case np_candidate.country_code
            {%- for country_code, pattern in patterns %}
            when '{{ country_code | replace("'", "''") }}'
                then {{ regex_full_match(nsn, pattern) }}
            {%- endfor %}
            else {{ regex_full_match_expr(nsn, 'np_candidate.nsn_pattern') }}
        end
    {%- else -%}
        {{ regex_full_match_expr(nsn, 'np_candidate.nsn_pattern') }}
    {%- endif -%}
{%- endmacro %}

{#- [(country_code, nsn_pattern), ...] from the seed if it exists in the database now, else []. -#}
{% macro _normalize_phone_compile_time_patterns() -%}
    {%- set seed = ref('country_phone_rules') -%}
    {#- In a unit test the ref is a fixture without schema: read the patterns at query time. -#}
    {%- set is_relation = execute and seed.schema is defined and seed.schema is not none -%}
    {%- set relation = adapter.get_relation(seed.database, seed.schema, seed.identifier) if is_relation else none -%}
    {%- set query = 'select country_code, nsn_pattern from ' ~ relation ~ ' order by country_code' -%}
    {%- set rows = run_query(query).rows if relation is not none else [] -%}
    {{- return(rows | rejectattr('nsn_pattern', 'none') | map('list') | list) -}}
{%- endmacro %}
