{#
  The DuckDB comments on every model and column (persist_docs, dbt_project.yml), as dbt-duckdb
  writes them, with two differences that save a round of catalogue queries per model:

    - a history replay (PENSION_RISK_THROUGH_BATCH set, orchestration/assets/dbt.py) writes none:
      the build after it in the same run rebuilds every model the replay built and comments it then;
    - the table's columns are looked up once: dbt's default__persist_docs already keeps only the
      documented columns the table has (validate_doc_columns), and dbt-duckdb's
      alter_column_comment looked them up a second time.

  The comments themselves are tested in tests/test_dbt_docs.py.
#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
  {%- if env_var('PENSION_RISK_THROUGH_BATCH', '') -%}
    {{ return('') }}
  {%- endif -%}
  {{ return(default__persist_docs(relation, model, for_relation, for_columns)) }}
{%- endmacro %}

{% macro duckdb__alter_column_comment(relation, column_dict) %}
  {% for column_name in column_dict %}
    {% set escaped_comment = duckdb_escape_comment(column_dict[column_name]['description']) %}
    comment on column {{ relation }}.{{ adapter.quote(column_name) if column_dict[column_name]['quote'] else column_name }} is {{ escaped_comment }};
  {% endfor %}
{% endmacro %}
