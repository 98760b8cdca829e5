{#-
    Row accounting per landing file (model audit_landing_files): a file read has raw rows = staged +
    superseded + quarantined, and a CSV file's rows read by the landing hook all reached its base
    model; a file quarantined or ignored has no row staged. Returns the files that break it.
-#}
{% test rows_accounted_for_per_file(model) %}

select *
from {{ model }}
where
    (file_status = 'read' and raw_rows != staged_rows + superseded_rows + quarantined_rows)
    or (file_status = 'read' and rows_read is not null and raw_rows is not null and rows_read + rejected_lines != raw_rows)
    or (file_status != 'read' and staged_rows + superseded_rows > 0)

{% endtest %}
