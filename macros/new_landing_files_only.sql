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

{#-
    incremental_where_supported(): the materialization of the incremental order models (staging
    orders, int_orders_priced, int_orders_identified): 'incremental' (delete+insert on the record
    key), except on Spark, where a build without Delta or Iceberg has no delete+insert or merge: there they are
    tables rebuilt in full (is_incremental() is then false, so the incremental branches do not
    render). docs/engines.md.
-#}
{% macro incremental_where_supported() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
