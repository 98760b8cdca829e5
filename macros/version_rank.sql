{#-
    version_rank(record_key, newest_first): the rank of a row among the versions of its record,
    1 for the current version. Versions are ordered by the given columns, each newest first (NULLs
    last). Only usable rows (quarantine_reason is null) are ranked, and apart from the quarantined
    ones, so a corrupt later copy can never supersede a good version; quarantined rows get NULL.
-#}
{% macro version_rank(record_key, newest_first) -%}
    case
        when quarantine_reason is null
            then row_number() over (
                partition by {{ record_key }}, quarantine_reason is null
                order by
                {%- for column in newest_first %} {{ column }} desc nulls last{% if not loop.last %},{% endif %}{% endfor %}
            )
    end
{%- endmacro %}
