{#-
    Whether `reference` (text, upper case, without spaces) is a valid ISO 11649 creditor reference:
    'RF', two check digits and 1 to 21 letters or digits, whose mod-97 check (ISO 7064 MOD 97-10:
    the first four characters moved to the end, letters as 10-35) leaves 1. python-stdnum's
    stdnum.iso11649 is the same check (the tests compare the two).
-#}
{% macro iso11649_is_valid(reference) -%}
    (
        coalesce({{ reference }} ~ '^RF[0-9]{2}[A-Z0-9]{1,21}$', false)
        and (
            select
                string_agg(
                    case when digits.symbol ~ '[A-Z]' then (ascii(digits.symbol) - 55)::text else digits.symbol end,
                    '' order by digits.position
                )::numeric % 97
            from unnest(
                string_to_array(substr({{ reference }}, 5) || substr({{ reference }}, 1, 4), null)
            ) with ordinality as digits (symbol, position)
        ) = 1
    )
{%- endmacro %}
