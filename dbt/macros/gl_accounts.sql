{#-
    The chart of accounts: (account_key, account_code, account_name, account_type). Codes are the operator's (policy
    gl_accounts); names come from the `gl_accounts` seed, revenue accounts per service ("Revenue water").
-#}
{% macro gl_accounts() -%}
    {%- set rows = [] -%}
    {%- for key, code in (policy('gl_accounts') or {}).items() -%}
        {%- if code is mapping -%}
            {%- for service, service_code in code.items() -%}
                {%- do rows.append("('" ~ key ~ "', '" ~ key ~ "." ~ service ~ "', '" ~ service_code ~ "', ' " ~ service ~ "')") -%}
            {%- endfor -%}
        {%- else -%}
            {%- do rows.append("('" ~ key ~ "', '" ~ key ~ "', '" ~ code ~ "', '')") -%}
        {%- endif -%}
    {%- endfor -%}
    select
        codes.chart_key as account_key,
        codes.account_code,
        coalesce(account_name, codes.seed_key) || codes.name_suffix as account_name,
        account_type
    from (values {{ rows | join(', ') }}) as codes (seed_key, chart_key, account_code, name_suffix)
    {#- The seed is not aliased: `dbt build --empty` renders a ref as an aliased subquery. #}
    left join {{ ref('gl_accounts') }} on codes.seed_key = account_key
{%- endmacro %}
