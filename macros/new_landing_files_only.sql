{#-
    new_landing_files_only(): in an incremental staging model, the filter (to AND into its where
    clause) that keeps only rows of landing files the model has not loaded yet. A record updated in
    a new extract has its current version (version_rank 1) in the new file, so it is selected and
    replaces the old row (delete+insert on the record key); records with no new version are left
    alone. Renders nothing in a full build.
-#}
{% macro new_landing_files_only() -%}
    {%- if is_incremental() -%}
        and source_file not in (select distinct loaded.source_file from {{ this }} as loaded)
    {%- endif -%}
{%- endmacro %}
