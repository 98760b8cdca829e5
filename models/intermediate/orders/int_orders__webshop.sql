-- Web shop orders (data bundles) in the order contract (docs/orders.md). A refund returns the whole order.
with

orders as (
    select * from {{ ref('stg_webshop__shop_orders') }}
),

final as (
    select
        'webshop__shop_orders:' || shop_order_id as order_key,
        shop_order_id as order_id,
        'webshop' as source_system,
        'shop_orders' as source_table,
        'webshop__shop_orders:' || shop_order_id as customer_record_id,
        'sale' as transaction_type,
        order_status,
        created_at as ordered_at,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_string() }}) as event_name,
        cast(null as {{ dbt.type_string() }}) as offer_id,
        package_name as product_name,
        shop_id,
        'shop' as partner_asset_type,
        shop_id as partner_asset_key,
        currency_code,
        amount as gross_amount,
        cast(0 as decimal(18, 2)) as discount_amount,
        cast(0 as decimal(18, 2)) as fee_charged_amount,
        case when order_status = 'refunded' then amount else 0 end as refund_amount,
        cast(null as integer) as ticket_count,
        coalesce(amount = 0, false) as is_free,
        extracted_at
    from orders
)

select * from final
