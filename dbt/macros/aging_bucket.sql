{#-
    The aging bucket of an item `days` past due (billing-rules.md section 7), from the `aging_buckets`
    seed. The seed is not aliased: `dbt build --empty` renders a ref as an aliased subquery.
-#}
{% macro aging_bucket(days) -%}
    (
        select aging_bucket from {{ ref('aging_buckets') }}
        where ({{ days }}) between coalesce(from_days_past_due, ({{ days }})) and coalesce(to_days_past_due, ({{ days }}))
    )
{%- endmacro %}
