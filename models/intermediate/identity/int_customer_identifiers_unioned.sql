{#-
    Every customer-bearing record of every source in one shape: the customer-record contract
    (docs/identity.md, enforced by the model contract in _identity__models.yml). The models are
    registered in their sources' YAML (meta.registry.customer_records, macro source_registry) and
    tagged customer_record_contract; a new source joins by conforming to the contract (its staging
    model can itself) and registering its model, without editing this or any resolution model
    (docs/adding-a-source.md). A tagged model left unregistered fails the build (macro contract_models).
    Optional columns (source_customer_key) are read from the models that have them and are NULL
    for the others, so a source without such a key needs no placeholder column.
-#}
{%- set columns = [
    'customer_record_id', 'source_system', 'source_table', 'record_key', 'email', 'secondary_email',
    'phone_e164', 'secondary_phone_e164', 'first_name', 'last_name', 'country_code', 'consent_method',
    'marketing_opt_in', 'is_unsubscribed', 'record_created_at', 'record_updated_at',
] -%}
{%- set optional_columns = ['source_customer_key'] -%}

with

unioned as (
    {% for model in contract_models('customer_records', 'customer_record_contract') -%}
        {%- set present = [] -%}
        {%- if execute -%}
            {%- for column in adapter.get_columns_in_relation(ref(model)) -%}
                {%- do present.append(column.name | lower) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set optional_sql = [] -%}
        {%- for column in optional_columns -%}
            {%- if column in present -%}
                {%- do optional_sql.append(column) -%}
            {%- else -%}
                {%- do optional_sql.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column) -%}
            {%- endif -%}
        {%- endfor %}
        select {{ (columns + optional_sql) | join(', ') }}
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
