{#-
    Every raw PayPal activity row, parsed and classified: quarantined (with a reason), superseded
    by a later download of the same transaction, or current. stg_paypal__transactions keeps the
    current rows; audit_quarantined_rows lists the quarantined ones. Nothing is dropped here.
    The local Date + Time are turned into UTC with the offset of the TimeZone abbreviation (seed
    timezone_abbreviations); an abbreviation not in the seed makes the time invalid.
-#}
{{ base_model_config('transaction_id') }}

{#- rows carry no updated timestamp: the latest download wins (Pending -> Completed) -#}
{% call ingest_landing_rows('transaction_id', ['extracted_at', 'source_file']) %}
with

source as (
    select * from {{ source('paypal', 'transactions') }} {{ landing_files_not_ingested() }}
),

status_map as (
    select * from {{ ref('status_map') }}
    where source_system = 'paypal'
),

currencies as (
    select * from {{ ref('currencies') }}
),

timezone_abbreviations as (
    select * from {{ ref('timezone_abbreviations') }}
),

parsed as (
    select
        -- ids
        nullif(trim(source.{{ adapter.quote('Transaction ID') }}), '') as transaction_id,
        nullif(trim(source.{{ adapter.quote('Reference Txn ID') }}), '') as reference_transaction_id,
        source.{{ adapter.quote('Item ID') }} as item_id_raw,
        source.{{ adapter.quote('Item Title') }} as item_title_raw,

        -- payer
        source.{{ adapter.quote('Name') }} as payer_name_raw,
        source.{{ adapter.quote('From Email Address') }} as email_raw,
        source.{{ adapter.quote('To Email Address') }} as recipient_email_raw,
        source.{{ adapter.quote('Contact Phone Number') }} as phone_raw,
        upper(trim(source.{{ adapter.quote('Country Code') }})) as country_code,

        -- transaction
        source.{{ adapter.quote('Type') }} as transaction_type_raw,
        source.{{ adapter.quote('Status') }} as source_status,
        source.{{ adapter.quote('Balance Impact') }} as balance_impact,
        upper(trim(source.{{ adapter.quote('Currency') }})) as currency_code,
        {{ parse_money('source.' ~ adapter.quote('Gross')) }} as gross_amount,
        {{ parse_money('source.' ~ adapter.quote('Fee')) }} as fee_amount,
        {{ parse_money('source.' ~ adapter.quote('Net')) }} as net_amount,

        -- time: local wall-clock time plus a zone abbreviation
        {{ local_timestamp(
            'source.' ~ adapter.quote('Date') ~ " || ' ' || source." ~ adapter.quote('Time'), '%m/%d/%Y %H:%M:%S'
        ) }} as transacted_at_local,
        upper(trim(source.{{ adapter.quote('TimeZone') }})) as timezone_abbreviation,
        {{ utc_from_iso_text('source._extracted_at') }} as extracted_at,

        -- lineage
        source.{{ adapter.quote('Fee') }} as fee_raw,
        source.{{ adapter.quote('Net') }} as net_raw,
        {{ row_to_json_text('source') }} as raw_record,
        source.filename as source_file
    from source
),

{%- set transacted_at = subtract_minutes('parsed.transacted_at_local', 'timezone_abbreviations.utc_offset_minutes') %}

classified as (
    select
        parsed.*,
        timezone_abbreviations.utc_offset_minutes,
        status_map.order_status,
        -- local time minus the zone's offset from UTC ('MDT' = -360 minutes)
        {{ transacted_at }} as transacted_at,
        case
            when parsed.transaction_id is null then 'missing_record_key'
            when
                parsed.transacted_at_local is null
                or timezone_abbreviations.utc_offset_minutes is null
                then 'invalid_timestamp'
            when
                parsed.gross_amount is null
                or (parsed.fee_raw is not null and parsed.fee_amount is null)
                or (parsed.net_raw is not null and parsed.net_amount is null)
                then 'invalid_amount'
            -- money into the account (Balance Impact Credit) is never negative; refunds are Debits
            when parsed.gross_amount < 0 and trim(parsed.balance_impact) = 'Credit' then 'negative_amount'
            when currencies.currency_code is null then 'unknown_currency'
            {{ order_date_quarantine(transacted_at, 'parsed.extracted_at') }}
            when status_map.order_status is null then 'unknown_status'
        end as row_quarantine_reason
    from parsed
    left join timezone_abbreviations
        on parsed.timezone_abbreviation = timezone_abbreviations.abbreviation
    left join status_map
        on parsed.source_status = status_map.source_status
    left join currencies
        on parsed.currency_code = currencies.currency_code
    {{ order_fx_joins(transacted_at, 'parsed.currency_code') }}
)

{% endcall %}
