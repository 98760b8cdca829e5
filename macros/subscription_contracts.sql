{#-
    subscription_contracts(end_date): one row per subscription contract spell at `end_date` (a SQL
    date expression), from int_subscription_payments up to that date (docs/customer-value.md).
    A contract (PayPal recurring profile, Kajabi customer x subscription offer) is billed every month
    or year: Kajabi's offer says which; otherwise a mean gap of at least 180 days between payments
    means yearly, anything else monthly. A payment later than the due date plus var
    subscription_grace_days ends the spell (the payment was missed: the contract lapsed) and a later
    payment starts a new spell (a re-subscription). A spell is active at end_date while end_date is at
    most grace days past its next due date. renewal_points is how many renewals the spell has faced
    since it started (whole billing intervals, less the grace); renewals how many it made (all of
    them while active; payments - 1 once lapsed, at most renewal_points - 1): the survivor data of the sBG model.
    A source's payments are only known up to its last payment on record (its last extract): past that
    date a missed payment cannot be seen, so each spell is judged at observed_date, the earlier of
    end_date and its source's last payment date (issue 16: with the as-of date five weeks past the
    demo's subscription extracts, four in five live PayPal contracts looked lapsed).
-#}
{% macro subscription_contracts(end_date) -%}
    {%- set grace = var('subscription_grace_days') %}
    with

    payment_days as (
        select
            contract_key,
            customer_id,
            source_system,
            order_date,
            max(billing_interval) as billing_interval,
            sum(net_amount_reporting) as day_value
        from {{ ref('int_subscription_payments') }}
        where order_date <= {{ end_date }}
        group by contract_key, customer_id, source_system, order_date
    ),

    source_ends as (
        select
            source_system,
            max(order_date) as source_last_date
        from {{ ref('int_subscription_payments') }}
        group by source_system
    ),

    gaps as (
        select
            *,
            {{ days_between(
                'lag(order_date) over (partition by contract_key, customer_id order by order_date)',
                'order_date'
            ) }} as days_since_previous
        from payment_days
    ),

    intervals as (
        select
            contract_key,
            customer_id,
            coalesce(
                max(billing_interval),
                case when avg(days_since_previous) >= 180 then 'year' else 'month' end
            ) as billing_interval
        from gaps
        group by contract_key, customer_id
    ),

    flagged as (
        select
            gaps.contract_key,
            gaps.customer_id,
            gaps.source_system,
            gaps.order_date,
            gaps.day_value,
            intervals.billing_interval,
            case when intervals.billing_interval = 'year' then 365.25 else 30.4375 end as interval_days,
            case
                when
                    gaps.days_since_previous
                    > case when intervals.billing_interval = 'year' then 365.25 else 30.4375 end + {{ grace }}
                    then 1
                else 0
            end as starts_spell
        from gaps
        inner join intervals
            on gaps.contract_key = intervals.contract_key and gaps.customer_id = intervals.customer_id
    ),

    numbered as (
        select
            *,
            sum(starts_spell) over (
                partition by contract_key, customer_id order by order_date rows between unbounded preceding and current row
            ) as spell_number
        from flagged
    ),

    spells as (
        select
            contract_key,
            customer_id,
            spell_number,
            min(source_system) as source_system,
            min(billing_interval) as billing_interval,
            min(interval_days) as interval_days,
            min(order_date) as started_date,
            max(order_date) as last_payment_date,
            count(*) as payments,
            cast(sum(day_value) as {{ type_double() }}) / count(*) as mean_payment_value
        from numbered
        group by contract_key, customer_id, spell_number
    ),

    observed as (
        select
            spells.*,
            case
                when source_ends.source_last_date < {{ end_date }} then source_ends.source_last_date
                else cast({{ end_date }} as date)
            end as observed_date
        from spells
        inner join source_ends on spells.source_system = source_ends.source_system
    ),

    due as (
        select
            *,
            cast(
                {{ add_months('last_payment_date', "case when billing_interval = 'year' then 12 else 1 end") }} as date
            ) as next_payment_due_date,
            greatest(
                cast(floor(({{ days_between('started_date', 'observed_date') }} - {{ grace }}) / interval_days) as integer),
                0
            ) as renewal_points
        from observed
    ),

    final as (
        select
            contract_key || '#' || cast(spell_number as {{ dbt.type_string() }}) as contract_id,
            contract_key,
            customer_id,
            source_system,
            billing_interval,
            interval_days,
            mean_payment_value,
            payments,
            renewal_points,
            case
                when {{ days_between('next_payment_due_date', 'observed_date') }} <= {{ grace }}
                    then renewal_points
                else greatest(least(payments - 1, renewal_points - 1), 0)
            end as renewals,
            {{ days_between('next_payment_due_date', 'observed_date') }} <= {{ grace }} as is_active,
            cast({{ end_date }} as date) as summary_date,
            started_date,
            last_payment_date,
            cast(next_payment_due_date as date) as next_payment_due_date
        from due
    )

    select * from final
{%- endmacro %}
