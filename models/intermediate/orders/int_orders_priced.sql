{#-
    Every order's money, before identity: one row per order_key of int_orders_unioned with the fee,
    the net, the partner's share and the FX rate of the order's month. Amounts follow one identity
    (docs/orders.md):
        gross = discount + fee + refund + net,   net = partner share + platform commission
    fee: platform and processing fees kept (a refund that leaves less than the fees returns them
    too); partner share: net x the partner's revenue share, less the fee per ticket of the terms
    (never below zero on a sale). Amounts are in the order's currency and, with suffix _reporting,
    in var reporting_currency at the FX rate of the order's month (seed fx_rates).
    Incremental: a run prices the orders that are new or whose row in int_orders_unioned changed
    (row_hash: late updates, refunds, a file rewritten in place, an event renamed) and deletes the
    orders no longer there; nothing here depends on the customer, so merges and erasures leave it
    alone (int_orders_identified). Partner terms or FX rates edited in the seeds need a --full-refresh.
-#}
{{ config(
    materialized=incremental_where_supported(),
    unique_key='order_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ delete_gone_upstream('order_key', ref('int_orders_unioned')) }}",
) }}

with

unioned as (
    select
        *,
        -- what the order is made of: every column of the order contract
        {{ content_hash(order_contract_columns()) }} as row_hash
    from {{ ref('int_orders_unioned') }}
),

orders as (
    -- on an incremental run: the orders not priced yet or priced from another row
    select * from unioned
    {{ new_or_changed_only('unioned', 'order_key') }}
),

partners as (
    select * from {{ ref('int_orders_partners') }}
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

converted as (
    select
        shared.*,
        cast(shared.net_amount - shared.partner_share_amount as decimal(18, 2)) as platform_commission_amount,
        -- a float, as every rate here (DuckDB divides decimals in floating point); an order in the
        -- reporting currency needs no rate (CDNOW's 1997 dollars predate the seed's months)
        case
            when shared.currency_code = '{{ var("reporting_currency") }}' then cast(1 as {{ type_double() }})
            else cast(order_fx.usd_per_unit as {{ type_double() }}) / reporting_fx.usd_per_unit
        end as fx_rate
    from shared
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
        order_key,
        order_id,
        source_system,
        source_table,
        customer_record_id,
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
        extracted_at,
        row_hash,
        -- the run that (re)priced the row: data tests check the latest batch (macros/tests_on_batch.sql)
        {{ run_started_timestamp() }} as loaded_at
    from converted
)

select * from final
