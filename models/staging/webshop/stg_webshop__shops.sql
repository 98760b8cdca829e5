with

shops as (
    select * from {{ ref('base_webshop__shops') }}
    where quarantine_reason is null and version_rank = 1
),

final as (
    select
        -- ids
        shop_id,
        owner_id,

        -- strings
        'webshop' as source_system,
        {{ clean_text('shop_name_raw') }} as shop_name,
        shop_slug,
        currency_code,
        country_code,

        -- timestamps (UTC)
        created_at,
        updated_at,
        extracted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from shops
)

select * from final
