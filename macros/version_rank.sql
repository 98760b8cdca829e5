{#-
    rank_versions(relation, record_key, newest_first): the rows of `relation` (a CTE with a
    `row_quarantine_reason` and a `record_hash` column, the hash of the raw row: macro
    ingest_landing_rows) with two more columns:
      - quarantine_reason: row_quarantine_reason, or 'conflicting_versions' for the rows of the
        newest version of a record when they tie on every column of newest_first (the same
        extract, file and update time) but differ in content: a coin toss otherwise (a PayPal id
        with Gross 33.00 in one row and 999.00 in another). None of the record's rows is staged
        then; its older versions stay superseded. Identical copies are no conflict: one is
        staged, the others superseded.
      - version_rank: the rank of a usable row among the versions of its record, 1 for the current
        version, ordered by the newest_first columns, each newest first (NULLs last). Rows with a
        quarantine reason get NULL and are ranked apart, so a corrupt later copy can never
        supersede a good version.
-#}
{% macro rank_versions(relation, record_key, newest_first) -%}
    {%- set order_by -%}
        {%- for column in newest_first %}{{ column }} desc nulls last{% if not loop.last %}, {% endif %}{% endfor -%}
    {%- endset -%}
    {%- set versions = record_key ~ ', row_quarantine_reason is null' -%}
    {%- set is_conflict -%}
        (
            rank() over (partition by {{ versions }} order by {{ order_by }}) = 1
            and min(record_hash) over (partition by {{ versions }}, {{ newest_first | join(', ') }})
            != max(record_hash) over (partition by {{ versions }}, {{ newest_first | join(', ') }})
        )
    {%- endset -%}
    select
        *,
        case
            when row_quarantine_reason is not null then row_quarantine_reason
            when {{ is_conflict }} then 'conflicting_versions'
        end as quarantine_reason,
        case
            when row_quarantine_reason is null and not {{ is_conflict }}
                then row_number() over (partition by {{ versions }} order by {{ order_by }})
        end as version_rank
    from {{ relation }}
{%- endmacro %}
