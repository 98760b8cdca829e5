{#-
    landing_base_models(): the base models that classify every raw row of a landing table, as
    (base model, source system, source table, record key column). Read by audit_quarantined_rows
    and audit_landing_files; a new landing table's base model is added here.
-#}
{% macro landing_base_models() -%}
    {{ return([
        ('base_humanitix__events', 'humanitix', 'events', 'event_id'),
        ('base_humanitix__orders', 'humanitix', 'orders', 'order_id'),
        ('base_ticket_tailor__events', 'ticket_tailor', 'events', 'event_id'),
        ('base_ticket_tailor__orders', 'ticket_tailor', 'orders', 'order_id'),
        ('base_kajabi__contacts', 'kajabi', 'contacts', 'contact_id'),
        ('base_kajabi__offers', 'kajabi', 'offers', 'offer_id'),
        ('base_kajabi__transactions', 'kajabi', 'transactions', 'transaction_id'),
        ('base_zoho__contacts', 'zoho', 'contacts', 'contact_id'),
        ('base_paypal__transactions', 'paypal', 'transactions', 'transaction_id'),
        ('base_webshop__shops', 'webshop', 'shops', 'shop_id'),
        ('base_webshop__shop_customers', 'webshop', 'shop_customers', 'shop_customer_id'),
        ('base_webshop__shop_orders', 'webshop', 'shop_orders', 'shop_order_id'),
        ('base_privacy__erasure_requests', 'privacy', 'erasure_requests', 'request_id'),
        ('base_transactions_csv__transactions', 'transactions_csv', 'transactions', 'transaction_id'),
    ]) }}
{%- endmacro %}
