{#- Every file of the landing folder and its fate (read, quarantined, ignored), from the hook. -#}
with

files as (
    select * from {{ source('landing', 'landing_files') }}
),

final as (
    select
        file as file_path,
        source_system,
        source_table,
        status as file_status,
        reason as file_reason,
        encoding,
        missing_columns,
        extra_columns,
        rows_read,
        rejected_lines,
        raw_lines,
        checked_at
    from files
)

select * from final
