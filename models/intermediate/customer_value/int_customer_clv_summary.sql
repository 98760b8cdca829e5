-- The BG/NBD and Gamma-Gamma summary of every customer with a paid order at the as-of date
-- (macro clv_summary: x, t_x, T = t_age, in days, and the mean repeat purchase value).
{{ clv_summary(as_of_date()) }}
