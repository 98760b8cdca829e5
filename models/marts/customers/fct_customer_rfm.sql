{#-
    RFM per customer with at least one paid order at the as-of date: recency (days since the last
    paid order), frequency (paid orders), monetary (spend in the reporting currency).
    Scores 1-5 by quintile of the customers' rank (macro quintile_score, docs/customer-marts.md),
    ranking from worst to best (longest recency, fewest orders, least spend first). Ties share the
    rank of the first of them, so equal values always get equal scores and a large tie takes the
    score of the quintile it starts in; no score is skipped after it (macro gap_free_score: a value
    scores at most one more than the value below it). No id breaks a tie: the scores depend only on
    the values.
    The segment comes from seed rfm_segments by the RFM code.
-#}
with

summary as (
    select * from {{ ref('int_customer_order_summary') }}
    where paid_orders > 0
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

ranked as (
    select
        customer_id,
        as_of_date,
        days_since_last_purchase as recency_days,
        paid_orders as frequency,
        total_spent_reporting as monetary_reporting,
        rank() over (order by days_since_last_purchase desc) as recency_rank,
        rank() over (order by paid_orders) as frequency_rank,
        rank() over (order by total_spent_reporting) as monetary_rank,
        dense_rank() over (order by days_since_last_purchase desc) as recency_value_rank,
        dense_rank() over (order by paid_orders) as frequency_value_rank,
        dense_rank() over (order by total_spent_reporting) as monetary_value_rank,
        count(*) over () as customers
    from summary
),

based as (
    select
        *,
        {{ quintile_score('recency_rank', 'customers') }} as recency_base_score,
        {{ quintile_score('frequency_rank', 'customers') }} as frequency_base_score,
        {{ quintile_score('monetary_rank', 'customers') }} as monetary_base_score,
        max(recency_value_rank) over () as recency_values,
        max(frequency_value_rank) over () as frequency_values,
        max(monetary_value_rank) over () as monetary_values
    from ranked
),

scored as (
    select
        customer_id,
        as_of_date,
        recency_days,
        frequency,
        monetary_reporting,
        {{ gap_free_score('recency_base_score', 'recency_value_rank', 'recency_values') }} as recency_score,
        {{ gap_free_score('frequency_base_score', 'frequency_value_rank', 'frequency_values') }} as frequency_score,
        {{ gap_free_score('monetary_base_score', 'monetary_value_rank', 'monetary_values') }} as monetary_score
    from based
),

final as (
    select
        scored.customer_id,
        scored.as_of_date,
        scored.recency_days,
        scored.frequency,
        scored.monetary_reporting,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,
        cast(scored.recency_score as {{ dbt.type_string() }})
        || cast(scored.frequency_score as {{ dbt.type_string() }})
        || cast(scored.monetary_score as {{ dbt.type_string() }}) as rfm_code,
        segments.segment as rfm_segment
    from scored
    left join segments
        on
            scored.recency_score = segments.recency_score
            and scored.frequency_score = segments.frequency_score
            and scored.monetary_score = segments.monetary_score
)

select * from final
