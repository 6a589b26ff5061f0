{#-
    An index on `column` of this model, created when the table lacks it. dbt's `indexes` config makes indexes
    only when it creates the table; a per-period table is never re-created (full_refresh: false) and a seed only
    on --full-refresh, so an index added later reaches existing databases this way. The name is fixed
    (<table>__<column>), so a second run finds it.
-#}
{% macro index_if_missing(column, unique=false) -%}
    create {{ 'unique ' if unique }}index if not exists {{ this.identifier }}__{{ column }}
    on {{ this }} ({{ column }})
{%- endmacro %}
