{#- CSV lines that did not split into their header's fields: quarantined with file and line. -#}
with

rejected as (
    select * from {{ source('landing', 'landing_rejected_lines') }}
),

final as (
    select
        {{ surrogate_key(['source_file', 'source_line']) }} as rejected_line_id,
        source_system,
        source_table,
        source_file,
        error_type,
        error_message,
        raw_line,
        source_line,
        checked_at
    from rejected
)

select * from final
