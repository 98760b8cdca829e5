{#-
    Every landing row that staging could not use, with its source, its raw record key and why.
    Each staging entity has a base model that classifies every raw row; this model lists the ones
    with a quarantine reason, and the CSV lines the landing hook could not split into fields. Together with the staged rows and the superseded versions they account
    for every raw row (tested per source by the rows_accounted_for test).

    A source entity is in it by its registry entry base_model (macro landing_base_models, docs/adding-a-source.md).
-#}
{%- set base_models = landing_base_models() -%}

with

unioned as (
    {% for base_model, source_system, source_table, key_column in base_models -%}
        select
            cast({{ key_column }} as {{ dbt.type_string() }}) as record_key,
            '{{ source_system }}' as source_system,
            '{{ source_table }}' as source_table,
            quarantine_reason,
            cast(raw_record as {{ dbt.type_string() }}) as raw_record,
            source_file,
            cast(null as {{ dbt.type_bigint() }}) as source_line
        from {{ ref(base_model) }}
        where quarantine_reason is not null
        union all
    {% endfor %}
    -- CSV lines that did not split into their header's fields (the landing hook's rejects)
    select
        cast(null as {{ dbt.type_string() }}) as record_key,
        source_system,
        source_table,
        'unreadable_csv_row' as quarantine_reason,
        raw_line as raw_record,
        source_file,
        source_line
    from {{ ref('stg_landing__rejected_lines') }}
),

numbered as (
    select
        *,
        -- a corrupt line can repeat verbatim in one file; number the copies to keep each one
        row_number() over (
            partition by source_system, source_table, source_file, raw_record order by record_key
        ) as copy_number
    from unioned
),

final as (
    select
        {{ surrogate_key(['source_system', 'source_table', 'source_file', 'raw_record', 'copy_number']) }}
            as quarantined_row_id,
        record_key,
        source_system,
        source_table,
        quarantine_reason,
        raw_record,
        source_file,
        source_line
    from numbered
)

select * from final
