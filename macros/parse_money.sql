{#-
    parse_money: a money string as DECIMAL(18, 2), or NULL when it is not a number.
    Accepts thousands separators, a currency symbol and surrounding spaces ('$1,234.56', ' -35.10 ').
    minor_units_to_money: an integer amount in minor units (cents) divided by the currency's
    base multiplier, as DECIMAL(18, 2); NULL when the amount is not an integer.
-#}
{% macro parse_money(text) -%}
    {{ try_cast(regex_replace_all('trim(' ~ text ~ ')', '[,$£€\\s]', ''), 'decimal(18, 2)') }}
{%- endmacro %}

{% macro minor_units_to_money(amount, multiplier) -%}
    cast({{ try_cast(amount, 'bigint') }} / {{ try_cast(multiplier, 'decimal(18, 6)') }} as decimal(18, 2))
{%- endmacro %}
