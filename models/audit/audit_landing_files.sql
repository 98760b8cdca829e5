{#-
    Row accounting per landing file: every file under RAW_DATA_DIR with its fate and, for a file
    read, where its rows went (staged, superseded, quarantined). Test rows_accounted_for_per_file
    checks that a CSV file's rows read by the landing hook all reach its base model.
-#}
with

files as (
    select * from {{ ref('stg_landing__files') }}
),

rejected_lines as (
    select * from {{ ref('stg_landing__rejected_lines') }}
),

base_rows as (
    {% for base_model, source_system, source_table, key_column in landing_base_models() -%}
        select
            source_file,
            count(*) as read_rows,
            sum(case when quarantine_reason is null and version_rank = 1 then 1 else 0 end) as staged_rows,
            sum(case when version_rank > 1 then 1 else 0 end) as superseded_rows,
            sum(case when quarantine_reason is not null then 1 else 0 end) as quarantined_rows
        from {{ ref(base_model) }}
        group by source_file
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rejected_per_file as (
    select
        source_file,
        count(*) as rejected_rows
    from rejected_lines
    group by source_file
),

{%- set classified_tables = [] -%}
{%- for base_model, source_system, source_table, key_column in landing_base_models() -%}
    {%- do classified_tables.append("'" ~ source_system ~ '.' ~ source_table ~ "'") -%}
{%- endfor %}

final as (
    select
        files.file_path,
        files.source_system,
        files.source_table,
        files.file_status,
        files.file_reason,
        files.encoding,
        files.missing_columns,
        files.extra_columns,
        files.rows_read,
        files.rejected_lines,
        -- a table without a base model (a clean append-only export staged directly) is accounted
        -- for by its rows_accounted_for test, not per file
        case
            when files.source_system || '.' || files.source_table in ({{ classified_tables | join(', ') }})
                then coalesce(base_rows.read_rows, 0) + coalesce(rejected_per_file.rejected_rows, 0)
        end as raw_rows,
        coalesce(base_rows.staged_rows, 0) as staged_rows,
        coalesce(base_rows.superseded_rows, 0) as superseded_rows,
        coalesce(base_rows.quarantined_rows, 0) + coalesce(rejected_per_file.rejected_rows, 0) as quarantined_rows
    from files
    left join base_rows
        on files.file_path = base_rows.source_file
    left join rejected_per_file
        on files.file_path = rejected_per_file.source_file
)

select * from final
