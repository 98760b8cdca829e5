-- Zoho CRM contacts. The mobile is the person's own number and comes first; "Phone" is often a
-- household or office line. "Email Opt Out" set is an explicit opt-out; unset is no choice.
with

contacts as (
    select * from {{ ref('stg_zoho__contacts') }}
),

final as (
    select
        'zoho' as source_system,
        'contacts' as source_table,
        contact_id as record_key,
        cast(null as {{ dbt.type_string() }}) as source_customer_key,
        email,
        secondary_email,
        first_name,
        last_name,
        cast(null as {{ dbt.type_string() }}) as country_code,
        'crm_email_opt_out' as consent_method,
        created_at as record_created_at,
        'zoho__contacts:' || contact_id as customer_record_id,
        coalesce(mobile_e164, phone_e164) as phone_e164,
        case when mobile_e164 is not null then phone_e164 end as secondary_phone_e164,
        case when has_email_opt_out then false end as marketing_opt_in,
        coalesce(has_email_opt_out, false) as is_unsubscribed,
        coalesce(updated_at, created_at) as record_updated_at
    from contacts
)

select * from final
