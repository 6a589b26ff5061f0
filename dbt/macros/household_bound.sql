{#-
    A block bound raised for the household's size (billing-rules.md section 9): a bound above 0 grows by
    `per_person` units for every resident of the service point beyond the version's persons_included.
    Reads `priced_parts.residents` and `priced_parts.persons_included` (residents are set on a part only
    when its version sets persons_included, D93); a block without bound_per_extra_person keeps its bound.
-#}
{% macro household_bound(bound, per_person) -%}
    case
        when {{ per_person }} is null or priced_parts.residents is null or {{ bound }} = 0 then {{ bound }}
        else {{ bound }} + {{ per_person }} * greatest(priced_parts.residents - priced_parts.persons_included, 0)
    end
{%- endmacro %}
