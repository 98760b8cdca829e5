{#-
    order_date_quarantine(ordered_at, extracted_at) and order_fx_joins(ordered_at, currency_code):
    an order dated outside the plausible window, or in a month the FX rates do not cover, is
    quarantined in staging with its reason instead of failing the marts' reporting-currency tests.
    The window: not before var plausible_order_date_from, not later than
    var plausible_days_after_extract days after the extract was taken (an export cannot hold an
    order placed after it was written; the slack covers clocks and time zones).
-#}
{% macro order_date_quarantine(ordered_at, extracted_at) -%}
    when
        {{ ordered_at }} < cast('{{ var("plausible_order_date_from") }}' as {{ dbt.type_timestamp() }})
        or {{ ordered_at }} > {{ dbt.dateadd('day', var('plausible_days_after_extract'), extracted_at) }}
        then 'implausible_date'
    when order_fx.usd_per_unit is null or reporting_fx.usd_per_unit is null then 'missing_fx_rate'
{%- endmacro %}

{% macro order_fx_joins(ordered_at, currency_code) -%}
    left join {{ ref('fx_rates') }} as order_fx
        on
            {{ currency_code }} = order_fx.currency_code
            and cast(date_trunc('month', {{ ordered_at }}) as date) = order_fx.rate_month
    left join {{ ref('fx_rates') }} as reporting_fx
        on
            reporting_fx.currency_code = '{{ var("reporting_currency") }}'
            and cast(date_trunc('month', {{ ordered_at }}) as date) = reporting_fx.rate_month
{%- endmacro %}
