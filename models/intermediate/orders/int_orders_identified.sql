{#-
    Every priced order (int_orders_priced) with its resolved customer (int_customer_ids), and
    erasure applied: orders of an erased customer (int_erased_customers) stay, anonymous: no
    customer, no source ids, order_key replaced. The rows and columns of fct_orders.
    Incremental: a run reloads the orders priced anew (new orders and orders whose row_hash changed),
    orders whose customer changed (merges and splits) and orders of newly erased customers, and
    deletes the orders int_orders_priced no longer holds; everything else stays (docs/orders.md).
    order_sk, md5 of the source key, is the same before and after an erasure.
-#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='order_sk',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_gone_upstream('order_sk', ref('int_orders_priced'),
        upstream_key='md5(upstream.order_key)') }}",
) }}

with

-- the linter renders both branches of is_incremental(): no indent check in this part
-- noqa: disable=LT02
{% if is_incremental() %}
{%- do require_row_hash() %}
changed as (
    -- new orders, and orders priced from another row since they were loaded (row_hash)
    select priced.order_key
    from {{ ref('int_orders_priced') }} as priced
    left join {{ this }} as loaded on md5(priced.order_key) = loaded.order_sk
    where loaded.order_sk is null or priced.row_hash != loaded.row_hash
    union
    -- orders whose customer changed in this run (identity merges and splits)
    select priced.order_key
    from {{ ref('int_orders_priced') }} as priced
    inner join {{ ref('int_customer_ids') }} as ids on priced.customer_record_id = ids.customer_record_id
    where ids.previous_customer_id is distinct from ids.customer_id
    union
    -- orders of customers erased since they were loaded
    select priced.order_key
    from {{ ref('int_orders_priced') }} as priced
    inner join {{ ref('int_customer_ids') }} as ids on priced.customer_record_id = ids.customer_record_id
    inner join {{ ref('int_erased_customers') }} as newly_erased on ids.customer_id = newly_erased.customer_id
    inner join {{ this }} as loaded on md5(priced.order_key) = loaded.order_sk
    where not loaded.is_customer_erased
),
{% endif %}

orders as (
    select * from {{ ref('int_orders_priced') }}
    {%- if is_incremental() %}
    where order_key in (select changed.order_key from changed)
    {%- endif %}
),
-- noqa: enable=LT02

customer_ids as (
    select * from {{ ref('int_customer_ids') }}
),

erased as (
    select distinct customer_id from {{ ref('int_erased_customers') }}
),

identified as (
    select
        orders.*,
        customer_ids.customer_id as resolved_customer_id,
        erased.customer_id is not null as is_customer_erased
    from orders
    left join customer_ids on orders.customer_record_id = customer_ids.customer_record_id
    left join erased on customer_ids.customer_id = erased.customer_id
),

final as (
    select
        -- the row's stable key for incremental loads (the same before and after an erasure)
        md5(order_key) as order_sk,
        -- an erased customer's order keeps its money but loses every link to the person
        case
            when is_customer_erased then 'erased:' || md5(order_key) else order_key
        end as order_key,
        case when is_customer_erased then null else order_id end as order_id,
        source_system,
        source_table,
        case when is_customer_erased then null else customer_record_id end as customer_record_id,
        case when is_customer_erased then null else resolved_customer_id end as customer_id,
        partner_id,
        event_id,
        event_name,
        offer_id,
        shop_id,
        product_name,
        transaction_type,
        order_status,
        ordered_at,
        order_date,
        order_month,
        currency_code,
        gross_amount,
        discount_amount,
        fee_amount,
        refund_amount,
        net_amount,
        revenue_share_rate,
        partner_share_amount,
        platform_commission_amount,
        reporting_currency,
        fx_rate_to_reporting,
        gross_amount_reporting,
        discount_amount_reporting,
        fee_amount_reporting,
        refund_amount_reporting,
        net_amount_reporting,
        partner_share_amount_reporting,
        platform_commission_amount_reporting,
        ticket_count,
        is_free,
        is_refunded,
        is_group_booking,
        is_paid,
        counts_toward_revenue,
        is_customer_erased,
        extracted_at,
        -- the content of the order as priced (int_orders_priced); not in fct_orders
        row_hash,
        -- the run that (re)loaded the row: tests on the batch check the latest (macro latest_batch_filter)
        {{ run_started_timestamp() }} as loaded_at
    from identified
)

select * from final
