{#-
    contract_models(role, tag): the models a contract's union reads, which it passes to ref() so
    that dbt builds them first: each source table's `role` in the source registry (macro
    source_registry; `customer_records`, a name or a list, or `orders`, whose `model` is the name). At execution the
    macro checks that every model carrying `tag` is registered, and fails naming it if one is not,
    so a conforming model is never silently left out. The identity benchmark replaces the sources
    with its own records: there the var customer_record_models names them.
-#}
{% macro contract_models(role, tag) -%}
    {%- if var('identity_benchmark', false) -%}
        {{ return(var('customer_record_models')) }}
    {%- endif -%}
    {%- set registered = [] -%}
    {%- for entry in registered_tables(role) -%}
        {%- set named = entry[role].model if entry[role] is mapping else entry[role] -%}
        {%- for model in ([named] if named is string else named) -%}
            {%- do registered.append(model) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- set missing = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.package_name == project_name
                and tag in node.tags and node.name not in registered -%}
                {%- do missing.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                'Models tagged ' ~ tag ~ ' are not registered as any source table\'s ' ~ role
                ~ ' (config.meta.registry in its _<source>__sources.yml), so ' ~ this.identifier
                ~ ' would leave them out: ' ~ (missing | sort | join(', ')) ~ ' (docs/adding-a-source.md).'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(registered) }}
{%- endmacro %}

{#-
    order_contract_columns(): the columns of the order contract in order (docs/orders.md), the ones
    int_orders_unioned selects from every registered order model and int_orders_priced hashes to
    tell a changed order (row_hash). The contract's types are in _orders__models.yml.
-#}
{% macro order_contract_columns() -%}
    {{ return([
        'order_key', 'order_id', 'source_system', 'source_table', 'customer_record_id', 'transaction_type',
        'order_status', 'ordered_at', 'event_id', 'event_name', 'offer_id', 'product_name', 'shop_id',
        'partner_asset_type', 'partner_asset_key', 'currency_code', 'gross_amount', 'discount_amount',
        'fee_charged_amount', 'refund_amount', 'ticket_count', 'is_free', 'extracted_at',
    ]) }}
{%- endmacro %}
