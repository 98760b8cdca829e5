{#-
    registered_source_system(role): every value of the column is a source with a table in `role`
    in the source registry (macro source_registry), so the accepted values grow with the sources.
-#}
{% test registered_source_system(model, column_name, role) %}

select
    {{ column_name }} as source_system,
    count(*) as occurrences
from {{ model }}
where {{ column_name }} not in ('{{ registered_source_systems(role) | join("', '") }}')
group by {{ column_name }}

{% endtest %}
