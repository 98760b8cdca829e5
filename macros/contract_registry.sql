{#-
    contract_models(var_name, tag): the models listed in the project var `var_name`, which a union
    reads with ref() so that dbt builds them first. dbt records ref() calls while parsing, when the
    project graph is still empty, so a union cannot discover its inputs by tag and stay in build
    order (docs/decisions.md); the var is the registry. At execution the macro checks that every
    model carrying `tag` is in the registry, and fails naming the var if one is missing, so a
    conforming model is never silently left out. Skipped by the identity benchmark, which replaces
    the sources with its own records.
-#}
{% macro contract_models(var_name, tag) -%}
    {%- set registered = var(var_name) -%}
    {%- if execute and not var('identity_benchmark', false) -%}
        {%- set missing = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.package_name == project_name
                and tag in node.tags and node.name not in registered -%}
                {%- do missing.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                'Models tagged ' ~ tag ~ ' are not listed in the var ' ~ var_name ~ ' in dbt_project.yml, so '
                ~ this.identifier ~ ' would leave them out: ' ~ (missing | sort | join(', '))
                ~ '. Add them to the list (docs/adding-a-source.md).'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(registered) }}
{%- endmacro %}
