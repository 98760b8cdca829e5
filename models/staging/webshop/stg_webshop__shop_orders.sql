{#- incremental: records new or changed in the landing data are (re)loaded, records gone from it
    deleted (macros/incremental_changes.sql) -#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='shop_order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_gone_upstream('shop_order_id', ref('base_webshop__shop_orders'),
        'upstream.version_rank = 1') }}",
) }}

with

current_versions as (
    select
        *,
        -- what the staged row is made of: the landing row (the base model's hash of it) and its file
        {{ content_hash(['source_file', 'record_hash']) }} as row_hash
    from {{ ref('base_webshop__shop_orders') }}
    where quarantine_reason is null and version_rank = 1
),

shop_orders as (
    -- on an incremental run: the records not loaded yet or loaded from another landing row
    select * from current_versions
    {{ new_or_changed_only('current_versions', 'shop_order_id') }}
),

final as (
    select
        -- ids
        shop_order_id,
        shop_id,
        shop_customer_id,

        -- strings
        'webshop' as source_system,
        {{ normalize_name('customer_name_raw') }} as customer_name,
        {{ normalize_email('email_raw') }} as email,
        email_raw,
        {{ normalize_phone('phone_raw', "'" ~ var('default_phone_country')['webshop'] ~ "'") }} as phone_e164,
        phone_raw,
        network,
        package_name,
        order_status,
        source_status,
        payment_reference,
        currency_code,

        -- numerics
        quantity,
        amount,

        -- booleans
        {{ is_valid_email(normalize_email('email_raw')) }} as is_email_valid,

        -- timestamps (UTC)
        created_at,
        updated_at,
        extracted_at,
        source_file,
        row_hash,
        -- the run that (re)loaded the row: data tests check the latest batch (macros/tests_on_batch.sql)
        {{ run_started_timestamp() }} as loaded_at
    from shop_orders
)

select * from final
