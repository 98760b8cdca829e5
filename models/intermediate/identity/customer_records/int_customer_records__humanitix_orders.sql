-- Humanitix buyers, one record per order (Humanitix has no customer object). Ticking the
-- organiser's mailing-list box is an explicit opt-in; leaving it unticked is no choice at all.
with

orders as (
    select * from {{ ref('stg_humanitix__orders') }}
),

final as (
    select
        'humanitix' as source_system,
        'orders' as source_table,
        order_id as record_key,
        cast(null as {{ dbt.type_string() }}) as source_customer_key,
        email,
        cast(null as {{ dbt.type_string() }}) as secondary_email,
        phone_e164,
        cast(null as {{ dbt.type_string() }}) as secondary_phone_e164,
        first_name,
        last_name,
        country_code,
        'checkout_opt_in' as consent_method,
        false as is_unsubscribed,
        created_at as record_created_at,
        updated_at as record_updated_at,
        'humanitix__orders:' || order_id as customer_record_id,
        case when has_marketing_opt_in then true end as marketing_opt_in
    from orders
)

select * from final
