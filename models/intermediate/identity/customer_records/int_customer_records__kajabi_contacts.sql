-- Kajabi contacts. "Subscribed" is the contact's email subscription: true is an opt-in, false
-- means they unsubscribed (or were never subscribed) and is honoured as an opt-out.
with

contacts as (
    select * from {{ ref('stg_kajabi__contacts') }}
),

final as (
    select
        'kajabi' as source_system,
        'contacts' as source_table,
        contact_id as record_key,
        'kajabi__contacts:' || contact_id as source_customer_key,
        email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        first_name,
        last_name,
        country_code,
        'email_subscription' as consent_method,
        is_subscribed as marketing_opt_in,
        created_at as record_created_at,
        'kajabi__contacts:' || contact_id as customer_record_id,
        coalesce(not is_subscribed, false) as is_unsubscribed,
        coalesce(updated_at, created_at) as record_updated_at
    from contacts
)

select * from final
