{#-
    unique_combination(columns): no two rows share the same values in all of `columns`
    (our own, as dbt_utils cannot be installed here; see docs/decisions.md).
-#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
