{#-
    A read far out of line with both its neighbours (VEE, D62): the reads before and after it agree
    with a rising register (after >= before) and this one lies outside them by more than the span
    between them, above the next read or below the previous one. A cumulative register only counts
    up, so of the three it is this read that is wrong; a small jitter (a poll a hundredth above the
    next) is not. Null when a neighbour is unknown. A rollover never matches: after it the next read
    is below the one before.
-#}
{% macro breaks_register_trend(before, reading, after) -%}
    (
        {{ after }} >= {{ before }}
        and (
            {{ reading }} > {{ after }} + ({{ after }} - {{ before }})
            or {{ reading }} < {{ before }} - ({{ after }} - {{ before }})
        )
    )
{%- endmacro %}
