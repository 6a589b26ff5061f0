{#- The chart of accounts from the policy's gl_accounts: (account_key, account_code, account_name). -#}
{% macro gl_accounts() -%}
    {%- set names = {
        'bank': 'Bank', 'accounts_receivable': 'Accounts receivable', 'vat_payable': 'VAT payable',
        'levy_payable': 'Levy payable', 'customer_credits': 'Customer credits',
        'late_charge_income': 'Late charge income', 'recoveries': 'Recoveries',
        'bad_debt_expense': 'Bad debt expense'} -%}
    {%- set rows = [] -%}
    {%- for key, code in (policy('gl_accounts') or {}).items() -%}
        {%- if code is mapping -%}
            {%- for service, service_code in code.items() -%}
                {%- do rows.append("('" ~ key ~ "." ~ service ~ "', '" ~ service_code ~ "', 'Revenue " ~ service ~ "')") -%}
            {%- endfor -%}
        {%- else -%}
            {%- do rows.append("('" ~ key ~ "', '" ~ code ~ "', '" ~ names.get(key, key) ~ "')") -%}
        {%- endif -%}
    {%- endfor -%}
    select * from (values {{ rows | join(', ') }}) as chart (account_key, account_code, account_name)
{%- endmacro %}
