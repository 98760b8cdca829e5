{#-
    One golden record per customer, merged across sources. Survivorship (docs/identity.md):
    - name: from the most recently updated record that has one (first and last name together);
    - primary email / phone: from the most recently updated record holding a linkable one (valid,
      not blocklisted, not shared), else any valid one; with the system it came from;
    - first / last seen: earliest record creation, latest record update;
    - marketing consent: an unsubscribe or opt-out in any system is honoured; otherwise the latest
      explicit choice across systems (opt-in or opt-out) decides, with its source, method and date.
-#}
with

records as (
    select * from {{ ref('int_customer_identifiers_unioned') }}
),

ids as (
    select * from {{ ref('int_customer_ids') }}
),

erased as (
    -- customers who asked to be erased (docs/privacy.md) are not in the marts
    select distinct customer_id from {{ ref('int_erased_customers') }}
),

components as (
    -- the records of this run (int_customer_ids also keeps records that have since disappeared)
    select * from {{ ref('int_customer_components') }}
),

identifiers as (
    select * from {{ ref('int_customer_identifiers_classified') }}
),

customer_records as (
    select
        records.*,
        ids.customer_id
    from records
    inner join components on records.customer_record_id = components.customer_record_id
    inner join ids on records.customer_record_id = ids.customer_record_id
    where ids.customer_id not in (select erased.customer_id from erased)
),

ranked_names as (
    select
        customer_id,
        first_name,
        last_name,
        row_number() over (
            partition by customer_id order by record_updated_at desc nulls last, customer_record_id desc
        ) as name_rank
    from customer_records
    where first_name is not null
),

named as (
    select
        customer_id,
        first_name,
        last_name
    from ranked_names
    where name_rank = 1
),

ranked_emails as (
    select
        customer_records.customer_id,
        customer_records.email,
        customer_records.source_system,
        row_number() over (
            partition by customer_records.customer_id
            order by
                (not identifiers.is_blocklisted and not identifiers.is_shared) desc,
                customer_records.record_updated_at desc nulls last,
                customer_records.customer_record_id desc
        ) as email_rank
    from customer_records
    inner join identifiers
        on identifiers.identifier_type = 'email' and customer_records.email = identifiers.identifier_value
),

emails as (
    select
        customer_id,
        email,
        source_system
    from ranked_emails
    where email_rank = 1
),

ranked_phones as (
    select
        customer_records.customer_id,
        customer_records.phone_e164,
        customer_records.source_system,
        row_number() over (
            partition by customer_records.customer_id
            order by
                (not identifiers.is_blocklisted and not identifiers.is_shared) desc,
                customer_records.record_updated_at desc nulls last,
                customer_records.customer_record_id desc
        ) as phone_rank
    from customer_records
    inner join identifiers
        on identifiers.identifier_type = 'phone' and customer_records.phone_e164 = identifiers.identifier_value
),

phones as (
    select
        customer_id,
        phone_e164,
        source_system
    from ranked_phones
    where phone_rank = 1
),

ranked_consent_choices as (
    -- the decisive record: the latest unsubscribe if there is one, else the latest explicit choice
    select
        customer_id,
        marketing_opt_in,
        is_unsubscribed,
        source_system,
        consent_method,
        record_updated_at,
        row_number() over (
            partition by customer_id
            order by is_unsubscribed desc nulls last, record_updated_at desc nulls last, customer_record_id desc
        ) as consent_rank
    from customer_records
    where marketing_opt_in is not null or is_unsubscribed
),

consent_choices as (
    select
        customer_id,
        marketing_opt_in,
        is_unsubscribed,
        source_system,
        consent_method,
        record_updated_at
    from ranked_consent_choices
    where consent_rank = 1
),

systems as (
    select distinct
        customer_id,
        source_system
    from customer_records
),

system_lists as (
    select
        customer_id,
        count(*) as source_system_count,
        {{ sorted_list_text('source_system', "', '") }} as source_systems
    from systems
    group by customer_id
),

aggregated as (
    select
        customer_id,
        count(*) as source_record_count,
        {{ sorted_list_text('customer_record_id', "', '") }} as source_record_ids,
        min(record_created_at) as first_seen_at,
        max(coalesce(record_updated_at, record_created_at)) as last_seen_at
    from customer_records
    group by customer_id
),

final as (
    select
        -- ids
        aggregated.customer_id,

        -- strings
        named.first_name,
        named.last_name,
        emails.email as primary_email,
        emails.source_system as primary_email_source,
        phones.phone_e164 as primary_phone_e164,
        phones.source_system as primary_phone_source,
        system_lists.source_systems,
        aggregated.source_record_ids,
        consent_choices.source_system as marketing_consent_source,
        consent_choices.consent_method as marketing_consent_method,

        -- numerics
        system_lists.source_system_count,
        aggregated.source_record_count,

        -- booleans
        coalesce(consent_choices.marketing_opt_in and not consent_choices.is_unsubscribed, false)
            as has_marketing_consent,
        coalesce(consent_choices.is_unsubscribed, false) as has_unsubscribed,
        emails.email is not null as has_email,
        phones.phone_e164 is not null as has_phone,

        -- timestamps
        consent_choices.record_updated_at as marketing_consent_updated_at,
        aggregated.first_seen_at,
        aggregated.last_seen_at
    from aggregated
    inner join system_lists on aggregated.customer_id = system_lists.customer_id
    left join named on aggregated.customer_id = named.customer_id
    left join emails on aggregated.customer_id = emails.customer_id
    left join phones on aggregated.customer_id = phones.customer_id
    left join consent_choices on aggregated.customer_id = consent_choices.customer_id
)

select * from final
