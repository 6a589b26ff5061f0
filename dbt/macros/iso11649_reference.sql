{#-
    An ISO 11649 structured creditor reference: 'RF', two check digits, then the creditor reference
    (1 to 21 upper-case letters and digits, which the caller guarantees). The check digits make
    mod 97 of the digit expansion of reference || 'RF' || check equal 1 (ISO 7064 MOD 97-10, as in an
    IBAN): letters expand to two digits (A = 10 … Z = 35), so reference || 'RF00' expands to
    reference's digits || '271500', and check = 98 - that number mod 97, left-padded to two digits.
    The expansion puts the tens digit before each letter (1 for A-J, 2 for K-T, 3 for U-Z), then
    turns the letter into its units digit; numeric holds the 48-digit result exactly.
    Verified against python-stdnum in tests/test_sepa.py.
-#}
{% macro iso11649_reference(creditor_reference) -%}
    {%- set tens = "regexp_replace(regexp_replace(regexp_replace((" ~ creditor_reference ~ "), "
        ~ "'([A-J])', '1\\1', 'g'), '([K-T])', '2\\1', 'g'), '([U-Z])', '3\\1', 'g')" -%}
    {%- set expanded = "translate(" ~ tens ~ ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '01234567890123456789012345')" -%}
    ('RF' || lpad((98 - ({{ expanded }} || '271500')::numeric % 97)::text, 2, '0') || ({{ creditor_reference }}))
{%- endmacro %}
