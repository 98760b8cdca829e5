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
        source_file
    from requests
)

select * from final
