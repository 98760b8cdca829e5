{#-
    rule_churn_probability(days_since_last_purchase, orders_per_year): the customer-intelligence
    service's rule-of-thumb churn probability (docs/customer-marts.md): 0.8 after 180 days without a
    purchase, 0.6 after 90, 0.4 after 60, 0.2 after 30, else 0.1; times 0.5 for more than 4 orders a
    year, times 0.7 for more than 2. NULL for a customer who never purchased.
-#}
{% macro rule_churn_probability(days_since_last_purchase, orders_per_year) -%}
    cast(
        case
            when {{ days_since_last_purchase }} > 180 then 0.8
            when {{ days_since_last_purchase }} > 90 then 0.6
            when {{ days_since_last_purchase }} > 60 then 0.4
            when {{ days_since_last_purchase }} > 30 then 0.2
            when {{ days_since_last_purchase }} is not null then 0.1
        end
        * case
            when {{ orders_per_year }} > 4 then 0.5
            when {{ orders_per_year }} > 2 then 0.7
            else 1.0
        end
        as decimal(4, 3)
    )
{%- endmacro %}
