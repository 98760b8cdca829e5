{#-
    Every landing row that staging could not use, with its source, its raw record key and why.
    Each staging entity has a base model that classifies every raw row; this model lists the ones
    with a quarantine reason. Together with the staged rows and the superseded versions they account
    for every raw row (tested per source by the rows_accounted_for test).

    To add a source entity: append (base model, source system, source table, key column) below.
-#}
{%- set base_models = [
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
] -%}

with

unioned as (
    {% for base_model, source_system, source_table, key_column in base_models -%}
        select
            cast({{ key_column }} as {{ dbt.type_string() }}) as record_key,
            '{{ source_system }}' as source_system,
            '{{ source_table }}' as source_table,
            quarantine_reason,
            cast(raw_record as {{ dbt.type_string() }}) as raw_record,
            source_file
        from {{ ref(base_model) }}
        where quarantine_reason is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

numbered as (
    select
        *,
        -- a corrupt line can repeat verbatim in one file; number the copies to keep each one
        row_number() over (
            partition by source_system, source_table, source_file, raw_record order by record_key
        ) as copy_number
    from unioned
),

final as (
    select
        {{ surrogate_key(['source_system', 'source_table', 'source_file', 'raw_record', 'copy_number']) }}
            as quarantined_row_id,
        record_key,
        source_system,
        source_table,
        quarantine_reason,
        raw_record,
        source_file
    from numbered
)

select * from final
