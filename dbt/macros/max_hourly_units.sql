{#-
    The most units (after the multiplier) a meter can register in an hour (VEE, D63): its AMR
    register map's rate (policy register_map_max_hourly_units, register units an hour, times the
    multiplier), else the policy's max_hourly_units for its service and customer class. `meters`
    names a relation with register_map, multiplier, service and customer_class (int_meters_active).
    Null when neither says: no rate check.
-#}
{% macro max_hourly_units(meters) -%}
    coalesce(
        (
            '{{ tojson(policy('register_map_max_hourly_units')) }}'::jsonb ->> {{ meters }}.register_map
        )::numeric * {{ meters }}.multiplier,
        (
            '{{ tojson(policy('max_hourly_units')) }}'::jsonb -> {{ meters }}.service ->> {{ meters }}.customer_class
        )::numeric
    )
{%- endmacro %}
