{#-
    quintile_score(rank, count): the 1-5 quintile score of a row ranked `rank` (1 = worst, SQL
    rank(), so ties share the rank of the first of them) among `count` rows:
        least(5, 1 + floor(5 * (rank - 1) / (count - 1)))
    i.e. 1 + floor(5 * percent_rank), computed from the integers so a row exactly on a quintile
    edge (percent_rank 0.2, 0.4, ...) always gets the higher score. A single row scores 1.
-#}
{% macro quintile_score(rank, count) -%}
    cast(least(5, 1 + floor(5.0 * ({{ rank }} - 1) / greatest({{ count }} - 1, 1))) as integer)
{%- endmacro %}

{#-
    gap_free_score(base_score, value_rank, value_count): a quintile score with no score left empty.
    base_score is quintile_score of the row's value; value_rank the dense rank of its value (1 =
    worst) among value_count distinct values. A large tie can span a quintile edge (half the buyers
    with one order): the next value would then skip a score. Rule: going up the distinct values, a
    value scores at most one more than the value below it (never skips), at most its base score, and
    at least what the values above it need to reach 5. Closed form, as a window over the rows in
    value order (ties are peers, so share the score):
        value_rank + greatest(5 - value_count, min(base_score - value_rank) over values up to this one)
    With at least five distinct values every score 1-5 occurs and the best value scores 5; with
    fewer, base_score stands.
-#}
{% macro gap_free_score(base_score, value_rank, value_count) -%}
    case
        when {{ value_count }} >= 5
            then cast({{ value_rank }} + greatest(
                5 - {{ value_count }},
                min({{ base_score }} - {{ value_rank }}) over (order by {{ value_rank }})
            ) as integer)
        else {{ base_score }}
    end
{%- endmacro %}
