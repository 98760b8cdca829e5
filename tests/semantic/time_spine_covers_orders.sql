-- Every order date is a day of MetricFlow's time spine (vars time_spine_start and time_spine_end):
-- an order outside it would drop out of cumulative and time-spine-joined metrics.
select
    orders.order_key,
    orders.order_date
from {{ ref('fct_orders') }} as orders
left join {{ ref('time_spine_daily') }} as spine on orders.order_date = spine.date_day
where spine.date_day is null
