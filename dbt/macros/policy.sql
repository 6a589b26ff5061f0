{#- The policy value at a dotted path, e.g. policy('dunning_days.reminder'). -#}
{% macro policy(path) -%}
    {%- set root = var('policy', {}) -%}
    {%- set found = namespace(value=fromjson(root) if root is string else root) -%}
    {%- for key in path.split('.') -%}
        {%- set found.value = found.value[key] if found.value is mapping and key in found.value else none -%}
    {%- endfor -%}
    {%- set value = found.value -%}
    {%- if value is none and execute -%}
        {{ exceptions.raise_compiler_error("policy key '" ~ path ~ "' is missing: add it to vars.policy in dbt_project.yml (the defaults), or pass it with --vars.") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
