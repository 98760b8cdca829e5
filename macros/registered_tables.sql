{#-
    What the source registry (macro source_registry) says, by role. Each macro calls
    source_registry itself, not another of these: sqlfluff's templater cannot return a value
    through a call between macros of one file.
-#}

{#- registered_tables(role): the registry entries of the tables that have `role`, in registry order. -#}
{% macro registered_tables(role) -%}
    {%- set tables = [] -%}
    {%- for entry in source_registry() -%}
        {%- if role in entry -%}
            {%- do tables.append(entry) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}


{#- registered_source_systems(role): the sources with a table in `role`, sorted and distinct. -#}
{% macro registered_source_systems(role) -%}
    {%- set systems = [] -%}
    {%- for entry in source_registry() -%}
        {%- if role in entry and entry.source_system not in systems -%}
            {%- do systems.append(entry.source_system) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(systems | sort) }}
{%- endmacro %}


{#-
    landing_base_models(): the base models that classify every raw row of a landing table, as
    (base model, source system, source table, record key column), from the registry's base_model
    and record_key. Read by audit_quarantined_rows and audit_landing_files.
-#}
{% macro landing_base_models() -%}
    {%- set models = [] -%}
    {%- for entry in source_registry() -%}
        {%- if 'base_model' in entry -%}
            {%- do models.append((entry.base_model, entry.source_system, entry.source_table, entry.record_key)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(models) }}
{%- endmacro %}
