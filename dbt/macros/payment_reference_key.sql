{#-
    A reference as a key (billing-rules.md section 6): upper case, without spaces or punctuation, and
    without a leading word such as "Account", "Acc", "Customer no." or "Invoice no.". "Acc A 2" -> 'A2'.
-#}
{% macro payment_reference_key(reference) -%}
    regexp_replace(
        regexp_replace(upper(coalesce({{ reference }}, '')), '[^A-Z0-9]', '', 'g'),
        '^(INVOICENUMBER|INVOICENO|INVOICENR|INVOICE|ACCOUNTNUMBER|ACCOUNTNO|ACCOUNTNR|ACCOUNT|ACCTNO|ACCT'
        || '|ACCNO|ACC|CUSTOMERNUMBER|CUSTOMERNO|CUSTOMERNR|CUSTOMER|CUSTNO|CUST|REFERENCE|REF|NO|NR)',
        ''
    )
{%- endmacro %}
