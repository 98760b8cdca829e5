{#-
    One row per order or transaction from every source, with its customer, partner and money.
    Amounts follow one identity (docs/orders.md):
        gross = discount + fee + refund + net,   net = partner share + platform commission
    gross: the price before discounts with the fees the buyer paid; fee: platform and processing
    fees kept (a refund that leaves less than the fees returns them too); net: what is left to
    share; partner share: net x the partner's revenue share, less the fee per ticket of the terms
    (never below zero on a sale). Amounts are in the order's currency and, with suffix _reporting,
    in var reporting_currency at the FX rate of the order's month (seed fx_rates).
    Orders of an erased customer (int_erased_customers) stay, anonymous: no customer, no source ids.
    Incremental: a run reloads new and re-extracted orders, orders whose customer changed (merges)
    and orders of newly erased customers; everything else stays (docs/orders.md).
-#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='order_sk',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

-- the linter renders both branches of is_incremental(): no indent check in this part
-- noqa: disable=LT02
{% if is_incremental() %}
changed as (
    -- Incremental run: the orders to (re)load. Partner terms or FX rates edited in the seeds need
    -- a --full-refresh (docs/orders.md).
    -- new orders, and orders in a later extract than the one loaded (late updates, refunds)
    select unioned.order_key
    from {{ ref('int_orders_unioned') }} as unioned
    left join {{ this }} as loaded on md5(unioned.order_key) = loaded.order_sk
    where loaded.order_sk is null or unioned.extracted_at is distinct from loaded.extracted_at
    union
    -- orders whose customer changed in this run (identity merges and splits)
    select unioned.order_key
    from {{ ref('int_orders_unioned') }} as unioned
    inner join {{ ref('int_customer_ids') }} as ids on unioned.customer_record_id = ids.customer_record_id
    where ids.previous_customer_id is distinct from ids.customer_id
    union
    -- orders of customers erased since they were loaded
    select unioned.order_key
    from {{ ref('int_orders_unioned') }} as unioned
    inner join {{ ref('int_customer_ids') }} as ids on unioned.customer_record_id = ids.customer_record_id
    inner join {{ ref('int_erased_customers') }} as newly_erased on ids.customer_id = newly_erased.customer_id
    inner join {{ this }} as loaded on md5(unioned.order_key) = loaded.order_sk
    where not loaded.is_customer_erased
),
{% endif %}

orders as (
    select * from {{ ref('int_orders_unioned') }}
    {%- if is_incremental() %}
    where order_key in (select changed.order_key from changed)
    {%- endif %}
),
-- noqa: enable=LT02

partners as (
    select * from {{ ref('int_orders_partners') }}
),

customer_ids as (
    select * from {{ ref('int_customer_ids') }}
),

erased as (
    select distinct customer_id from {{ ref('int_erased_customers') }}
),

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

amounts as (
    select
        *,
        cast(
            least(fee_charged_amount, greatest(gross_amount - discount_amount - refund_amount, 0))
            as decimal(18, 2)
        ) as fee_amount
    from orders
),

with_net as (
    select
        *,
        cast(gross_amount - discount_amount - fee_amount - refund_amount as decimal(18, 2)) as net_amount
    from amounts
),

shared as (
    select
        with_net.*,
        partners.partner_id,
        partners.revenue_share_rate,
        case
            -- an order no partner_assets row covers has no partner and so no partner share
            when partners.partner_id is null then 0
            when with_net.net_amount <= 0 then round(with_net.net_amount * partners.revenue_share_rate, 2)
            else greatest(
                round(with_net.net_amount * partners.revenue_share_rate, 2)
                - partners.fee_per_ticket * coalesce(with_net.ticket_count, 0),
                0
            )
        end as partner_share_amount
    from with_net
    left join partners on with_net.order_key = partners.order_key
),

identified as (
    select
        shared.*,
        erased.customer_id is not null as is_customer_erased,
        customer_ids.customer_id as resolved_customer_id,
        cast(shared.net_amount - shared.partner_share_amount as decimal(18, 2)) as platform_commission_amount,
        -- a float, as every rate here (DuckDB divides decimals in floating point); an order in the
        -- reporting currency needs no rate (CDNOW's 1997 dollars predate the seed's months)
        case
            when shared.currency_code = '{{ var("reporting_currency") }}' then cast(1 as {{ type_double() }})
            else cast(order_fx.usd_per_unit as {{ type_double() }}) / reporting_fx.usd_per_unit
        end as fx_rate
    from shared
    left join customer_ids on shared.customer_record_id = customer_ids.customer_record_id
    left join erased on customer_ids.customer_id = erased.customer_id
    left join fx_rates as order_fx
        on
            shared.currency_code = order_fx.currency_code
            and cast(date_trunc('month', shared.ordered_at) as date) = order_fx.rate_month
    left join fx_rates as reporting_fx
        on
            reporting_fx.currency_code = '{{ var("reporting_currency") }}'
            and cast(date_trunc('month', shared.ordered_at) as date) = reporting_fx.rate_month
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
        cast(ordered_at as date) as order_date,
        cast(date_trunc('month', ordered_at) as date) as order_month,
        currency_code,
        gross_amount,
        discount_amount,
        fee_amount,
        refund_amount,
        net_amount,
        revenue_share_rate,
        cast(partner_share_amount as decimal(18, 2)) as partner_share_amount,
        platform_commission_amount,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(fx_rate as decimal(18, 8)) as fx_rate_to_reporting,
        {%- for amount in ['gross', 'discount', 'fee', 'refund', 'net', 'partner_share'] %}
            {%- set converted = round_double(amount ~ '_amount * fx_rate', 2) %}
            cast({{ converted }} as decimal(18, 2)) as {{ amount }}_amount_reporting,
        {%- endfor %}
        -- what is left of the net, so that net = partner share + commission holds to the cent here too
        cast(
            {{ round_double('net_amount * fx_rate', 2) }} - {{ round_double('partner_share_amount * fx_rate', 2) }}
            as decimal(18, 2)
        ) as platform_commission_amount_reporting,
        ticket_count,
        is_free,
        refund_amount > 0 as is_refunded,
        coalesce(ticket_count >= {{ var('group_booking_min_tickets') }}, false) as is_group_booking,
        -- a sale that took money and stands (not pending, failed, cancelled or fully refunded)
        (
            transaction_type = 'sale'
            and order_status in ('completed', 'partially_refunded')
            and gross_amount > 0
        ) as is_paid,
        -- the row's amounts belong in revenue: settled sales, refunded sales and refund transactions
        order_status in ('completed', 'partially_refunded', 'refunded') as counts_toward_revenue,
        is_customer_erased,
        extracted_at
    from identified
)

select * from final
