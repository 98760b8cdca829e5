{#-
    Every raw row of a source table is accounted for: staged in `model` (one current version per
    record), listed in audit_quarantined_rows with a reason (a CSV line the landing hook could not
    split into fields included), or a superseded older version (version_rank > 1 in the base model). Fails with the four counts when they do not add up.
    A staging model that reads its landing table directly (no base model, no versions) omits
    base_model: nothing is superseded.
-#}
{% test rows_accounted_for(model, source_relation, source_system, source_table, base_model=none) %}

with

raw_rows as (
    -- the rows of the landing relation, and the CSV lines the landing hook could not split into fields
    select
        (select count(*) from {{ source_relation }})
        + (
            select count(*) from {{ ref('stg_landing__rejected_lines') }}
            where source_system = '{{ source_system }}' and source_table = '{{ source_table }}'
        ) as n
),

staged as (
    select count(*) as n from {{ model }}
),

quarantined as (
    select count(*) as n
    from {{ ref('audit_quarantined_rows') }}
    where source_system = '{{ source_system }}' and source_table = '{{ source_table }}'
),

superseded as (
    {% if base_model is not none -%}
        select count(*) as n from {{ base_model }}
        where version_rank > 1
    {%- else -%}
        select 0 as n
    {%- endif %}
)

select
    raw_rows.n as raw_rows,
    staged.n as staged_rows,
    quarantined.n as quarantined_rows,
    superseded.n as superseded_rows
from raw_rows
cross join staged
cross join quarantined
cross join superseded
where raw_rows.n != staged.n + quarantined.n + superseded.n

{% endtest %}
