{#-
    The customers to erase, one row per request and customer it reaches: every resolved customer with a source record holding an email or phone
    named in an erasure request (any of the record's emails or phones). The whole customer goes, as
    the person is one customer across sources. A request naming a shared identifier (a family phone)
    erases every customer holding it: the request cannot say which of them asked, and keeping the
    requester's data is the worse error. audit_erasure_requests reports the count per request.
-#}
with

requests as (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

records as (
    select * from {{ ref('int_customer_identifiers_unioned') }}
),

ids as (
    select * from {{ ref('int_customer_ids') }}
),

record_identifiers as (
    select
        customer_record_id,
        'email' as identifier_type,
        email as identifier_value
    from records
    union all
    select
        customer_record_id,
        'email' as identifier_type,
        secondary_email as identifier_value
    from records
    union all
    select
        customer_record_id,
        'phone' as identifier_type,
        phone_e164 as identifier_value
    from records
    union all
    select
        customer_record_id,
        'phone' as identifier_type,
        secondary_phone_e164 as identifier_value
    from records
),

final as (
    select distinct
        requests.request_id,
        ids.customer_id,
        requests.requested_at
    from requests
    inner join record_identifiers
        on
            requests.identifier_type = record_identifiers.identifier_type
            and requests.identifier_value = record_identifiers.identifier_value
    inner join ids on record_identifiers.customer_record_id = ids.customer_record_id
)

select * from final
