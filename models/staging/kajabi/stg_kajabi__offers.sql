with

offers as (
    select * from {{ ref('base_kajabi__offers') }}
    where quarantine_reason is null and version_rank = 1
),

final as (
    select
        -- ids
        offer_id,

        -- strings
        'kajabi' as source_system,
        {{ clean_text('offer_title_raw') }} as offer_title,
        payment_type,
        billing_interval,
        offer_status,
        currency_code,

        -- numerics
        price,

        -- booleans
        coalesce(payment_type = 'subscription', false) as is_subscription,

        -- timestamps (UTC)
        created_at,
        extracted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from offers
)

select * from final
