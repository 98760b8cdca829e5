{#-
    Contact data quality per source table holding customers: how many records carry an email, a
    valid email, a phone, a phone that normalises to E.164 (reachable by SMS), a name; the rows
    quarantined in staging; and the contact quality score of the Humanitix analysis: the mean of
    email and mobile coverage, coverage meaning the field is filled in (as the analysis counts it;
    the valid and invalid counts beside it say how much of that is usable). Percentages are 0-100
    with one decimal.
    A source table with customers is in it by its registry entry `contact_quality` (the staging
    model and the expressions of its raw phone, normalised phone and name; macro source_registry).
-#}
{%- set tables = [] -%}
{%- for entry in registered_tables('contact_quality') -%}
    {%- do tables.append({
        'source_system': entry.source_system, 'source_table': entry.source_table,
        'model': entry.contact_quality.model, 'phone_raw': entry.contact_quality.phone_raw,
        'phone': entry.contact_quality.phone, 'name': entry.contact_quality.name,
    }) -%}
{%- endfor -%}

with

records as (
    {% for table in tables -%}
        select
            '{{ table.source_system }}' as source_system,
            '{{ table.source_table }}' as source_table,
            email,
            is_email_valid,
            cast({{ table.phone_raw }} as {{ dbt.type_string() }}) as phone_raw,
            cast({{ table.phone }} as {{ dbt.type_string() }}) as phone_e164,
            {{ table.name }} as customer_name
        from {{ ref(table.model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

quarantined as (
    select
        source_system,
        source_table,
        count(*) as quarantined_rows
    from {{ ref('audit_quarantined_rows') }}
    group by source_system, source_table
),

counted as (
    select
        source_system,
        source_table,
        count(*) as records,
        count(email) as emails_present,
        count(*) filter (where is_email_valid) as emails_valid,
        count(*) filter (where email is not null and not is_email_valid) as emails_invalid,
        count(nullif(trim(phone_raw), '')) as phones_present,
        count(phone_e164) as phones_valid,
        count(*) filter (where nullif(trim(phone_raw), '') is not null and phone_e164 is null) as phones_invalid,
        count(customer_name) as names_present
    from records
    group by source_system, source_table
),

final as (
    select
        counted.source_system,
        counted.source_table,
        counted.records,
        counted.emails_present,
        counted.emails_valid,
        counted.emails_invalid,
        counted.phones_present,
        counted.phones_valid,
        counted.phones_invalid,
        counted.names_present,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows,
        -- percentages are floats, as DuckDB computes 100.0 * count / count
        {%- set present = '100 * cast(counted.%s as ' ~ type_double() ~ ')' %}
        {{ round_double(present | format('emails_present') ~ ' / counted.records', 1) }} as email_coverage_pct,
        {{ round_double(present | format('phones_present') ~ ' / counted.records', 1) }} as mobile_coverage_pct,
        {{ round_double(present | format('names_present') ~ ' / counted.records', 1) }} as name_coverage_pct,
        {{ round_double(
            present | format('emails_present + counted.phones_present') ~ ' / (2 * counted.records)', 1
        ) }} as contact_quality_score
    from counted
    left join quarantined
        on
            counted.source_system = quarantined.source_system
            and counted.source_table = quarantined.source_table
)

select * from final
