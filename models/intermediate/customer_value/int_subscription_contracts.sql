-- Subscription contract spells at the as-of date (macro subscription_contracts): billing interval,
-- payments, renewals faced and made, active or lapsed, next due date.
{{ subscription_contracts(as_of_date()) }}
