{#-
    Per event (every ticketing source): how many of its customers bought for another event before
    it and after it, and the event's retention rate = customers who bought for another event after
    / customers (the per-event retention of the Humanitix analysis). A customer's time at an event
    is their first settled order for it (free tickets included: attending is what counts);
    "before" and "after" compare it with their first order for each other event. Customers are
    resolved across sources, so a Humanitix buyer returning through Ticket Tailor counts.
-#}
with

event_orders as (
    select
        source_system,
        event_id,
        event_name,
        partner_id,
        customer_id,
        ordered_at
    from {{ ref('fct_orders') }}
    where
        event_id is not null
        and customer_id is not null
        and transaction_type = 'sale'
        and order_status in ('completed', 'partially_refunded')
        and order_date <= {{ as_of_date() }}
),

customer_events as (
    select
        source_system,
        event_id,
        customer_id,
        min(ordered_at) as first_ordered_at
    from event_orders
    group by source_system, event_id, customer_id
),

compared as (
    -- another event before this one: the customer's earliest event time is earlier than this one's
    -- (this event's own time is its minimum); after: their latest event time is later. Windows, not a
    -- self-join, so a customer with many events costs n log n, not n squared.
    select
        source_system,
        event_id,
        customer_id,
        min(first_ordered_at) over (partition by customer_id) < first_ordered_at as bought_before,
        max(first_ordered_at) over (partition by customer_id) > first_ordered_at as bought_after
    from customer_events
),

events as (
    select
        source_system,
        event_id,
        max(event_name) as event_name,
        max(partner_id) as partner_id,
        count(*) as orders
    from event_orders
    group by source_system, event_id
),

final as (
    select
        events.source_system,
        events.event_id,
        events.event_name,
        events.partner_id,
        events.orders,
        count(*) as customers,
        count(*) filter (where compared.bought_before) as customers_with_earlier_event,
        count(*) filter (where compared.bought_after) as customers_returning_later,
        count(*) filter (where compared.bought_before and compared.bought_after) as customers_before_and_after,
        cast(count(*) filter (where compared.bought_after) as {{ type_double() }}) / count(*) as retention_rate
    from events
    inner join compared
        on
            events.source_system = compared.source_system
            and events.event_id = compared.event_id
    group by events.source_system, events.event_id, events.event_name, events.partner_id, events.orders
)

select * from final
