{#-
    How far a cumulative register advanced from one reading to the next, in register units (before
    the meter's multiplier). A register only counts up and wraps to zero past its last digit: a
    reading below the previous one is a rollover when the previous reading was in the register's top
    band (policy rollover_band x 10^digits), and then it advanced to the top and on from zero; any
    other drop is not a usage (null: NEGATIVE, nothing billed).
-#}
{% macro register_advance(previous_reading, reading, register_modulus) -%}
    case
        when {{ reading }} >= {{ previous_reading }} then {{ reading }} - {{ previous_reading }}
        when {{ previous_reading }} >= {{ policy('rollover_band') }} * {{ register_modulus }}
            then {{ reading }} + {{ register_modulus }} - {{ previous_reading }}
    end
{%- endmacro %}
