-- Transactions of the generic transactions CSV, one row per transaction: the current, usable rows
-- of base_transactions_csv__transactions, at midnight UTC of their date.
with

base as (
    select * from {{ ref('base_transactions_csv__transactions') }}
    where quarantine_reason is null and version_rank = 1
),

final as (
    select
        transaction_id,
        customer_id,
        'transactions_csv' as source_system,
        currency_code,
        amount,
        transaction_date,
        cast(transaction_date as timestamp) as transacted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from base
)

select * from final
