with

requests as (
    select * from {{ ref('base_privacy__erasure_requests') }}
    where quarantine_reason is null and version_rank = 1
),

final as (
    select
        request_id,
        'privacy' as source_system,
        identifier_type,
        identifier_value,
        identifier_raw,
        requested_at,
        extracted_at,
        source_file,
        -- the base model's batch: data tests check the rows of its latest run (macros/tests_on_batch.sql)
        loaded_at
    from requests
)

select * from final
