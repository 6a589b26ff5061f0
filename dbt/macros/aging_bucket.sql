{#- The aging bucket of an item `days` past due (billing-rules.md section 7), from the `aging_buckets` seed. -#}
{% macro aging_bucket(days) -%}
    (
        select buckets.aging_bucket from {{ ref('aging_buckets') }} as buckets
        where ({{ days }}) >= coalesce(buckets.from_days_past_due, ({{ days }}))
            and ({{ days }}) <= coalesce(buckets.to_days_past_due, ({{ days }}))
    )
{%- endmacro %}
