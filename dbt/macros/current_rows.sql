{#-
    The current version of each key: rows of files not superseded by a newer version of the same
    file name, and among those the latest loaded (file, then row) per key. This is how "a later file
    updates by key" in the landing contract is applied.
-#}
{% macro current_rows(rows, files, key_columns) -%}
    select distinct on ({{ key_columns | join(', ') }}) {{ rows }}.*
    from {{ rows }}
    inner join {{ files }}
        on {{ rows }}.source_file_id = {{ files }}.file_id
    where {{ files }}.is_current
    order by {{ key_columns | join(', ') }}, {{ rows }}.source_file_id desc, {{ rows }}.source_row_no desc
{%- endmacro %}
