{#-
    The incremental order models (staging orders, int_orders_priced, int_orders_identified) keep one
    row per record key and load, on an incremental run, the records that are new or whose content
    changed, and delete the records no longer there upstream, so that they hold what a full build
    would (docs/orders.md). A record's content is a hash of what the row is made from (row_hash):
    the landing row in staging, the order contract's columns in int_orders_priced. Landing files are
    never told apart by name: a file rewritten in place, or deleted, counts as much as a new one.
-#}

{#-
    content_hash(columns): a hash of the given column expressions, NULL-safe and in order, to tell
    whether a record changed. DuckDB: its native 64-bit hash() of the values (no cast, no string
    built; a DuckDB upgrade that changes hash() reloads every row once); other engines: md5 of the
    values as text (macro surrogate_key).
-#}
{% macro content_hash(columns) -%}
    {{ return(adapter.dispatch('content_hash', 'customer_warehouse')(columns)) }}
{%- endmacro %}

{% macro default__content_hash(columns) -%}
    {{ surrogate_key(columns) }}
{%- endmacro %}

{% macro duckdb__content_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#-
    new_or_changed_only(relation, key): in an incremental model, the where clause that keeps the
    rows of `relation` (a CTE with `key` and a row_hash column) whose key is not loaded yet or is
    loaded with another row_hash. Renders nothing in a full build.
-#}
{% macro new_or_changed_only(relation, key) -%}
    {%- if is_incremental() -%}
        {%- do require_row_hash() -%}
        where not exists (
            select 1 from {{ this }} as loaded
            where loaded.{{ key }} = {{ relation }}.{{ key }} and loaded.row_hash = {{ relation }}.row_hash
        )
    {%- endif -%}
{%- endmacro %}

{#-
    require_row_hash(): on an incremental run, stops the build with one line naming the model and the
    command to rebuild it when its table has no row_hash column: it was built by a version of the
    project that told records apart by landing file name (before 2026-12-07), and comparing contents
    needs the hashes of what is loaded. Without this check the run failed with a binder error
    naming neither.
-#}
{% macro require_row_hash() -%}
    {%- if execute and is_incremental()
        and 'row_hash' not in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
        {{ exceptions.raise_compiler_error(
            this ~ ' was built before the incremental order models compared record contents (it has no'
            ~ ' row_hash column): rebuild it once with dbt build --full-refresh --select ' ~ model.name ~ '+'
        ) }}
    {%- endif -%}
{%- endmacro %}

{#-
    delete_gone_upstream(key, upstream, where, upstream_key): the post-hook of an incremental model
    that deletes its rows whose `key` the relation `upstream` (aliased upstream) no longer holds:
    among its rows that meet `where` (SQL, optional), compared through `upstream_key` (SQL; default
    upstream.<key>). So a record removed from the landing data (a file rewritten without it, a
    deleted file) is removed here too. Renders nothing in a full build and on Spark (no delete there;
    the models are tables).
-#}
{% macro delete_gone_upstream(key, upstream, where=none, upstream_key=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as loaded
        where not exists (
            select 1 from {{ upstream }} as upstream
            where {{ upstream_key or 'upstream.' ~ key }} = loaded.{{ key }}{% if where %} and {{ where }}{% endif %}
        )
    {%- endif -%}
{%- endmacro %}

{#-
    incremental_where_supported(): the materialization of the incremental order models (staging
    orders, int_orders_priced, int_orders_identified): 'incremental' (delete+insert on the record
    key), except on Spark, where a build without Delta or Iceberg has no delete+insert or merge: there they are
    tables rebuilt in full (is_incremental() is then false, so the incremental branches do not
    render). docs/engines.md.
-#}
{% macro incremental_where_supported() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
