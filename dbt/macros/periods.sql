{#- The billing period a run computes (var `period`, 'YYYY-MM') and dates derived from it. -#}

{% macro period() -%}
    {%- set value = var('period') -%}
    {%- if value is none and execute -%}
        {{ exceptions.raise_compiler_error("This model needs --vars '{period: YYYY-MM}' (Dagster passes the partition).") }}
    {%- endif -%}
    '{{ value }}'
{%- endmacro %}

{% macro period_start() -%}
    date '{{ var("period") or "1970-01" }}-01'
{%- endmacro %}

{% macro period_end() -%}
    ({{ period_start() }} + interval '1 month' - interval '1 day')::date
{%- endmacro %}

{% macro period_days() -%}
    extract(day from {{ period_end() }})::integer
{%- endmacro %}

{% macro previous_period(months=1) -%}
    to_char({{ period_start() }} - interval '{{ months }} month', 'YYYY-MM')
{%- endmacro %}

{#- A date's period as 'YYYY-MM'. -#}
{% macro period_of(date_expression) -%}
    to_char({{ date_expression }}, 'YYYY-MM')
{%- endmacro %}

{#- The policy value at a dotted path, e.g. policy('dunning_days.reminder'). -#}
{% macro policy(path) -%}
    {%- set root = var('policy', {}) -%}
    {%- set found = namespace(value=fromjson(root) if root is string else root) -%}
    {%- for key in path.split('.') -%}
        {%- set found.value = found.value[key] if found.value is mapping and key in found.value else none -%}
    {%- endfor -%}
    {%- set value = found.value -%}
    {%- if value is none and execute -%}
        {{ exceptions.raise_compiler_error("policy key '" ~ path ~ "' is missing: pass --vars '{policy: ...}' (m2c does).") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The run's bill date (policy bill_day of the month after the period) and the due date it sets. -#}
{% macro bill_date() -%}
    ({{ period_start() }} + interval '1 month' + ({{ policy('bill_day') }} - 1) * interval '1 day')::date
{%- endmacro %}

{% macro due_date() -%}
    ({{ bill_date() }} + {{ policy('due_days') }} * interval '1 day')::date
{%- endmacro %}
