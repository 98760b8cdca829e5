{#-
    Every customer-bearing record of every source in one shape: the customer-record contract
    (docs/identity.md, enforced by the model contract in _identity__models.yml). The models are
    listed in the project var customer_record_models and tagged customer_record_contract; a new
    source joins by conforming to the contract (its staging model can itself) and adding its model
    to the var, without editing this or any resolution model (docs/adding-a-source.md). A tagged
    model missing from the var fails the build (macro contract_models).
-#}
{%- set columns = [
    'customer_record_id', 'source_system', 'source_table', 'record_key', 'email', 'secondary_email',
    'phone_e164', 'secondary_phone_e164', 'first_name', 'last_name', 'country_code', 'consent_method',
    'marketing_opt_in', 'is_unsubscribed', 'record_created_at', 'record_updated_at',
] -%}

with

unioned as (
    {% for model in contract_models('customer_record_models', 'customer_record_contract') -%}
        select {{ columns | join(', ') }}
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
