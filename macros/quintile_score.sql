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
