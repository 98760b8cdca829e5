{#-
    The source registry (docs/adding-a-source.md): every source table's `config.meta.registry` in
    its source's YAML, written out as the macro generated_source_registry by
    src/warehouse_tools/source_registry.py before dbt runs (dbt records a model's parents while parsing, when
    only macros and vars are readable: docs/decisions.md). At execution this macro checks that the
    written registry agrees with the sources' YAML in dbt's graph and fails the build naming the
    table when a source was added or changed without it, so no list can fall out of step.
-#}
{% macro source_registry() -%}
    {%- if generated_source_registry is not defined -%}
        {{ exceptions.raise_compiler_error(
            'The source registry (macros/generated/source_registry.sql) has not been written: run '
            ~ '`.venv/bin/warehouse source-registry` (make does) before dbt (docs/adding-a-source.md).'
        ) }}
    {%- endif -%}
    {%- set entries = generated_source_registry() -%}
    {%- if execute -%}
        {%- set written = {} -%}
        {%- for entry in entries -%}
            {%- do written.update({entry.source_system ~ '.' ~ entry.source_table: tojson(entry, sort_keys=true)}) -%}
        {%- endfor -%}
        {%- set declared = {} -%}
        {%- for node in graph.sources.values() if node.package_name == project_name -%}
            {%- set registry = (node.config.meta or {}).get('registry') -%}
            {%- if registry is not none -%}
                {%- set entry = {'source_system': node.source_name, 'source_table': node.name} -%}
                {%- do entry.update(registry) -%}
                {%- if 'orders' in registry -%}
                    {%- set orders = {'events': false} -%}
                    {%- do orders.update(registry.orders) -%}
                    {%- do entry.update({'orders': orders}) -%}
                {%- endif -%}
                {%- do declared.update({node.source_name ~ '.' ~ node.name: tojson(entry, sort_keys=true)}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set out_of_step = [] -%}
        {%- for key in (written.keys() | list) + (declared.keys() | list) -%}
            {%- if written.get(key) != declared.get(key) and key not in out_of_step -%}
                {%- do out_of_step.append(key) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if out_of_step -%}
            {{ exceptions.raise_compiler_error(
                'The source registry is out of step with the sources\' YAML for ' ~ (out_of_step | sort | join(', '))
                ~ ': run `.venv/bin/warehouse source-registry` (make does) and build again (docs/adding-a-source.md).'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(entries) }}
{%- endmacro %}
