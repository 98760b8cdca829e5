{#-
    One row per order or transaction from every source, with its customer, partner and money: the
    published face of int_orders_identified (identity and erasure applied), which reads
    int_orders_priced (money, partner share, FX). The layers and their incremental rules are in
    docs/orders.md; the columns and their contract in _orders__models.yml.
-#}

with

identified_orders as (
    select * from {{ ref('int_orders_identified') }}
)

-- the columns are the contract's (_orders__models.yml, enforced at build), named from it: no list
-- repeated here, and int_orders_identified's row_hash (its incremental bookkeeping) stays behind
select {{ model.columns | join(', ') }}
from identified_orders
