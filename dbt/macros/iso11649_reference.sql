{#-
    An ISO 11649 structured creditor reference: 'RF', two check digits, then the creditor reference
    (1 to 21 upper-case letters and digits, which the caller guarantees). The check digits make
    mod 97 of the digit expansion of reference || 'RF' || check equal 1 (ISO 7064 MOD 97-10, as in an
    IBAN): letters expand to two digits (A = 10 … Z = 35), so reference || 'RF00' expands to
    reference's digits || '271500', and check = 98 - that number mod 97, left-padded to two digits.
    numeric holds the 48-digit expansion exactly. Verified against python-stdnum in tests/test_sepa.py.
-#}
{% macro iso11649_reference(creditor_reference) -%}
    {%- set expanded = namespace(sql='(' ~ creditor_reference ~ ')') -%}
    {%- for letter in 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' -%}
        {%- set expanded.sql = "replace(" ~ expanded.sql ~ ", '" ~ letter ~ "', '" ~ (loop.index0 + 10) ~ "')" -%}
    {%- endfor -%}
    ('RF' || lpad((98 - ({{ expanded.sql }} || '271500')::numeric % 97)::text, 2, '0') || ({{ creditor_reference }}))
{%- endmacro %}
