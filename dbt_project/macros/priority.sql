{#
  The worklist's priority (marts.case_ledger.priority, INTERFACE.md "Verification"):
  the configuration is in dbt_project.yml (vars priority_*), the formula here.
#}

{# A rule's confirmed rate smoothed towards the prior: (confirmed + a) / (reviewed + b),
   a = priority_prior_confirmed, b = priority_prior_reviewed (1 and 2: Laplace's rule of
   succession, 0.5 for a rule nobody has reviewed yet). 4 decimals. #}
{% macro smoothed_confirmed_rate(confirmed, reviewed) -%}
    cast(round(
        cast({{ confirmed }} + {{ var('priority_prior_confirmed') }} as decimal(18, 6))
        / ({{ reviewed }} + {{ var('priority_prior_reviewed') }}),
        4) as decimal(9, 4))
{%- endmacro %}

{# The weight (yuan at stake per flag) of a rule without an amount: priority_weights by
   rule code, else priority_default_weight. #}
{% macro priority_weight(rule_code) -%}
    cast(case {{ rule_code }}
        {%- for code, weight in var('priority_weights').items() %}
        when '{{ code }}' then {{ weight }}
        {%- endfor %}
        else {{ var('priority_default_weight') }}
    end as decimal(18, 2))
{%- endmacro %}
