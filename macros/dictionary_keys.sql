{#-
    dictionary_keys(keys_sql, key_columns, sk_column): the body of an append-only dictionary model
    (materialized incremental, strategy append): the rows of `keys_sql` (a select of the distinct
    `key_columns`) not yet in the model, each numbered with a bigint surrogate key `sk_column`
    following the largest key already given: max(sk) + row_number() over the key columns in order.
    A full build numbers every key 1..N in key order; an incremental history numbers keys in the
    order they arrived, so a key's number may differ between the two: nothing a person reads or
    that compares runs may depend on it (docs/decisions.md). A key once numbered keeps its number
    (rows are only appended), also when it no longer occurs in the input.
-#}
{% macro dictionary_keys(keys_sql, key_columns, sk_column) -%}
    with

    incoming as (
        {{ keys_sql }}
    ),

    {% if is_incremental() -%}
        known as (
            select
                {{ sk_column }},
                {{ key_columns | join(', ') }}
            from {{ this }}
        ),
    {%- else -%}
        known as (
            select
                cast(null as {{ dbt.type_bigint() }}) as {{ sk_column }},
                {{ _dictionary_null_columns(key_columns) }}
            where false
        ),
    {%- endif %}

    numbered_before as (
        select coalesce(max({{ sk_column }}), 0) as max_sk
        from known
    ),

    new_keys as (
        select incoming.*
        from incoming
        left join known
            on {{ _dictionary_key_match(key_columns) }}
        where known.{{ sk_column }} is null
    ),

    final as (
        select
            cast(
                numbered_before.max_sk + row_number() over (order by {{ key_columns | join(', ') }})
                as {{ dbt.type_bigint() }}
            ) as {{ sk_column }},
            {{ key_columns | join(', ') }}
        from new_keys
        cross join numbered_before
    )

    select * from final
{%- endmacro %}


{% macro _dictionary_null_columns(key_columns) -%}
    {%- set columns = [] -%}
    {%- for column in key_columns -%}
        {%- do columns.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ column) -%}
    {%- endfor -%}
    {{ columns | join(', ') }}
{%- endmacro %}

{% macro _dictionary_key_match(key_columns) -%}
    {%- set conditions = [] -%}
    {%- for column in key_columns -%}
        {%- do conditions.append('incoming.' ~ column ~ ' = known.' ~ column) -%}
    {%- endfor -%}
    {{ conditions | join(' and ') }}
{%- endmacro %}
