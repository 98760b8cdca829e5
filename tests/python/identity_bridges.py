"""Landing records that change identity resolution, found in a warehouse already built (`query`: the
engine's SQL, portable between DuckDB, PostgreSQL and Spark): test_customer_order_totals and
test_five_extracts land them as new contacts.
"""

from __future__ import annotations

from collections.abc import Callable

Query = Callable[[str], list[tuple]]


def merging_pair(query: Query) -> tuple[str, str, str, str, str]:
    """(email, phone, first customer_id, second customer_id, first name): an email of one customer and
    a phone of another, each a link held by one person only (not a household line), both customers of
    the same first name. A contact holding both, under the first name alone, merges the two (under
    another surname, with two phones behind the email, the email would be evidence of two people and
    the guard would refuse the bridge)."""
    return query("""
        with links as (
            select unpivoted.identifier_type, unpivoted.identifier_value, ids.customer_id, customers.first_name
            from intermediate.int_customer_identifiers_unpivoted as unpivoted
            inner join intermediate.int_customer_identifiers_classified as classified
                on unpivoted.identifier_type = classified.identifier_type
                and unpivoted.identifier_value = classified.identifier_value
            inner join intermediate.int_customer_ids as ids on unpivoted.customer_record_id = ids.customer_record_id
            inner join marts.dim_customers as customers on ids.customer_id = customers.customer_id
            where classified.is_link and classified.people_count = 1 and not classified.is_household_line
        )
        select emails.identifier_value, phones.identifier_value, emails.customer_id, phones.customer_id,
            emails.first_name
        from links as emails inner join links as phones
            on emails.identifier_type = 'email' and phones.identifier_type = 'phone'
            and emails.customer_id < phones.customer_id and emails.first_name = phones.first_name
        order by 1, 2 limit 1""")[0]


def phone_joined_pair(query: Query) -> tuple[str, str]:
    """(customer_id, phone): a customer of two records that one phone alone joins. A contact under
    another given name on that phone makes it shared by two people: the guard stops linking through
    it and the pair splits."""
    return query("""
        with links as (
            select ids.customer_id, unpivoted.identifier_type, unpivoted.identifier_value
            from intermediate.int_customer_identifiers_unpivoted as unpivoted
            inner join intermediate.int_customer_identifiers_classified as classified
                on unpivoted.identifier_type = classified.identifier_type
                and unpivoted.identifier_value = classified.identifier_value
            inner join intermediate.int_customer_ids as ids on unpivoted.customer_record_id = ids.customer_record_id
            where classified.is_link
        ),
        pairs as (
            select customer_id from intermediate.int_customer_ids group by customer_id having count(*) = 2
        )
        select links.customer_id, min(links.identifier_value)
        from links inner join pairs on links.customer_id = pairs.customer_id
        group by links.customer_id
        having count(distinct links.identifier_type || links.identifier_value) = 1
            and min(links.identifier_type) = 'phone'
        order by 1 limit 1""")[0]
