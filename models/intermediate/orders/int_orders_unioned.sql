{#-
    Every order and transaction of every source in one shape: the order contract (docs/orders.md,
    enforced by the model contract in _orders__models.yml). The models are registered in their
    sources' YAML (meta.registry.orders.model, macro source_registry) and tagged order_contract; a
    new source of orders joins by conforming to the contract and registering its model
    (docs/adding-a-source.md). A tagged model left unregistered fails the build (macro contract_models).
-#}
{%- set columns = [
    'order_key', 'order_id', 'source_system', 'source_table', 'customer_record_id', 'transaction_type',
    'order_status', 'ordered_at', 'event_id', 'event_name', 'offer_id', 'product_name', 'shop_id',
    'partner_asset_type', 'partner_asset_key', 'currency_code', 'gross_amount', 'discount_amount',
    'fee_charged_amount', 'refund_amount', 'ticket_count', 'is_free', 'extracted_at',
] -%}

with

unioned as (
    {% for model in contract_models('orders', 'order_contract') -%}
        select {{ columns | join(', ') }}
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unioned
