{#-
    What a period's charges are compared with for bill review (billing-rules.md section 5, D102): the
    average of the account's last 6 invoices; with policy high_bill_baseline = 'seasonal' (the default)
    the greater of that and the same month last year's charges, so a winter heating bill is compared
    with last winter's, not with a summer average. Without last year's invoice, the average alone.
-#}
{% macro high_bill_baseline(average, last_year) -%}
    {%- set root = var('policy', {}) -%}
    {%- set root = fromjson(root) if root is string else root -%}
    {%- if root.get('high_bill_baseline', 'seasonal') == 'seasonal' -%}
        greatest({{ average }}, {{ last_year }})
    {%- else -%}
        {{ average }}
    {%- endif -%}
{%- endmacro %}
