{#-
    Every order and transaction of every source in one shape: the order contract (docs/orders.md,
    enforced by the model contract in _orders__models.yml). The models are registered in their
    sources' YAML (meta.registry.orders.model, macro source_registry) and tagged order_contract; a
    new source of orders joins by conforming to the contract and registering its model
    (docs/adding-a-source.md). A tagged model left unregistered fails the build (macro contract_models).
-#}
with

unioned as (
    {% for model in contract_models('orders', 'order_contract') -%}
        select {{ order_contract_columns() | join(', ') }}
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
