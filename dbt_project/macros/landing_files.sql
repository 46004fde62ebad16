{# The 16 raw files of a batch (stem -> key columns), for models that loop over them;
   derived from landing_contract (generated from src/pension_risk/contract.py). #}
{% macro landing_files() -%}
    {%- set out = {} -%}
    {%- for stem, spec in landing_contract().items() -%}
        {%- do out.update({stem: spec['key']}) -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{% macro key_text(columns) -%}
    concat_ws('|'{% for c in columns %}, cast({{ c }} as {{ dbt.type_string() }}){% endfor %})
{%- endmacro %}

{# The code set of a coded column of a raw file (landing_contract, from src/pension_risk/contract.py). #}
{% macro landing_codes(stem, column) -%}
    {{ return(landing_contract()[stem]['codes'][column]) }}
{%- endmacro %}
