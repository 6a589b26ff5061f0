{#-
    The aging buckets' names in report order, for models whose contract has a column per bucket
    (agg_receivables_monthly). They are the `aging_buckets` seed's rows; tests/test_vocabularies.py
    fails if the two differ.
-#}
{% macro aging_bucket_names() -%}
    {{ return(['current', '1-30', '31-60', '61-90', '91-180', '181-365', '365+']) }}
{%- endmacro %}
