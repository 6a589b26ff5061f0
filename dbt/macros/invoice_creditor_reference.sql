{#-
    The creditor reference an invoice's ISO 11649 payment reference carries (D80): the invoice number's
    letters and digits, upper-cased ('INV-202401-ACC00001' -> 'INV202401ACC00001'). ISO 11649 allows 21;
    a longer one becomes 'INV' || yyyymm || the first 12 hex digits of the md5 of the invoice number,
    upper-cased (21 characters, unique in practice, and still naming the month).
-#}
{% macro invoice_creditor_reference(invoice_id) -%}
    case
        when length(regexp_replace(upper({{ invoice_id }}), '[^A-Z0-9]', '', 'g')) <= 21
            then regexp_replace(upper({{ invoice_id }}), '[^A-Z0-9]', '', 'g')
        else
            'INV' || coalesce(substring({{ invoice_id }} from '(\d{6})'), '000000')
            || upper(left(md5({{ invoice_id }}), 12))
    end
{%- endmacro %}
