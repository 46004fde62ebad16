{# as_of: business date of the newest accepted batch (scalar subquery). #}
{% macro as_of() -%}
    (select as_of from {{ ref('int_as_of') }})
{%- endmacro %}

{# Stable identity of a finding: derived from (rule code, subject) only. #}
{% macro flag_id(rule_code_expr, subject_id_expr) -%}
    {{ dbt.hash("concat(" ~ rule_code_expr ~ ", '|', " ~ subject_id_expr ~ ")") }}
{%- endmacro %}
