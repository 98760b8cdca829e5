-- Which kinds of evidence merged each customer of several records: the linking identifiers its
-- records share, counted by kind (emails, phones, source customer keys). A customer merged only
-- through phones, say, is where to look first when a merge is questioned.
with

ids as (
    select * from {{ ref('int_customer_ids') }}
),

identifiers as (
    select * from {{ ref('int_customer_identifiers_unpivoted') }}
),

classified as (
    select * from {{ ref('int_customer_identifiers_classified') }}
    where is_link
),

merged_customers as (
    select
        customer_id,
        count(*) as record_count
    from ids
    group by customer_id
    having count(*) >= 2
),

links as (
    select distinct
        ids.customer_id,
        identifiers.identifier_type,
        identifiers.identifier_value
    from identifiers
    inner join classified
        on
            identifiers.identifier_type = classified.identifier_type
            and identifiers.identifier_value = classified.identifier_value
    inner join ids on identifiers.customer_record_id = ids.customer_record_id
),

kinds as (
    select
        customer_id,
        sum(case when identifier_type = 'email' then 1 else 0 end) as email_link_count,
        sum(case when identifier_type = 'phone' then 1 else 0 end) as phone_link_count,
        sum(case when identifier_type = 'source_key' then 1 else 0 end) as source_key_link_count
    from links
    group by customer_id
),

final as (
    select
        merged_customers.customer_id,
        merged_customers.record_count,
        coalesce(kinds.email_link_count, 0) as email_link_count,
        coalesce(kinds.phone_link_count, 0) as phone_link_count,
        coalesce(kinds.source_key_link_count, 0) as source_key_link_count
    from merged_customers
    left join kinds on merged_customers.customer_id = kinds.customer_id
)

select * from final
