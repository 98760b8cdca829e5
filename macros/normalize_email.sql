{#-
    Email normalisation, used by every staging model that holds an email.

    normalize_email: trims all surrounding whitespace (spaces, tabs, newlines), lowercases, and turns
    an empty string into NULL. Placeholders such as 'none' or 'test@test.com' are kept as written:
    they are facts about the record; identity resolution ignores them through the blocklist seed.

    is_valid_email: true when a normalised email has the shape local@domain.tld (letters, digits and
    . _ % + ' - in the local part; a dotted domain with a TLD of two letters or more).
-#}
{% macro normalize_email(email) -%}
    nullif(lower({{ regex_replace_all(email, '^\\s+|\\s+$', '') }}), '')
{%- endmacro %}

{% macro is_valid_email(normalized_email) -%}
    coalesce(
        {{ regex_full_match(normalized_email, "[a-z0-9._%+'-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}") }},
        false
    )
{%- endmacro %}
