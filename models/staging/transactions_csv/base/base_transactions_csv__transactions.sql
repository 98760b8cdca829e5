{#-
    Every raw row of the generic transactions CSV, parsed and classified: quarantined (with a
    reason), superseded by a later file's copy of the same transaction, or current. A row without an
    order id is keyed by customer, date and its position among that customer's rows of the day in
    the file (ordered by amount), so identical purchases on one day stay two transactions.
-#}
{{ base_model_config('transaction_id') }}

{% call ingest_landing_rows('transaction_id', ['source_file']) %}
with

source as (
    select * from {{ source('transactions_csv', 'transactions') }} {{ landing_files_not_ingested() }}
),

currencies as (
    select * from {{ ref('currencies') }}
),

parsed as (
    select
        nullif(trim(source.customer_id), '') as customer_id,
        nullif(trim(source.order_id), '') as order_id_raw,
        coalesce(
            upper(nullif(trim(source.currency), '')), '{{ var("transactions_csv_default_currency") }}'
        ) as currency_code,
        {{ parse_money('source.amount') }} as amount,
        {{ try_cast('trim(source.transaction_date)', 'date') }} as transaction_date,
        source.transaction_date as transaction_date_raw,
        source.amount as amount_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

keyed as (
    select
        *,
        coalesce(
            order_id_raw,
            customer_id || ':' || transaction_date_raw || ':' || cast(row_number() over (
                partition by source_file, customer_id, transaction_date_raw order by amount_raw
            ) as {{ dbt.type_string() }})
        ) as transaction_id
    from parsed
),

classified as (
    select
        keyed.*,
        case
            when keyed.customer_id is null then 'missing_record_key'
            when keyed.transaction_date is null then 'invalid_timestamp'
            when keyed.amount is null then 'invalid_amount'
            when keyed.amount < 0 then 'negative_amount'
            when currencies.currency_code is null then 'unknown_currency'
        end as row_quarantine_reason
    from keyed
    left join currencies on keyed.currency_code = currencies.currency_code
)

{% endcall %}
