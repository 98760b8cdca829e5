-- Every (partner, customer) pair with an order, the input of the keyed pseudonyms (int_partner_customer_keys).
select distinct
    partner_id,
    customer_id
from {{ ref('int_orders_identified') }}
where partner_id is not null and customer_id is not null
