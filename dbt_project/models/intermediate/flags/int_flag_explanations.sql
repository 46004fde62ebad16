{#
  The Chinese explanation of every flag (marts.risk_flags.explanation): the rule's
  template (seeds/explanation_templates.csv, the one place the wording lives) filled
  with the flag's own facts read from its evidence (macros/explanation_placeholders.sql:
  dates, months, month spans, yuan with thousands separators, counterparts, and codes
  as their Chinese names from seeds/code_names.csv and seeds/agencies.csv).
  Template language: macros/explanations.sql (fill_template).
#}
{%- set placeholders = explanation_placeholders() %}
with flags as (
    select * from {{ ref('int_flags_unioned') }}
),

templates as (
    select * from {{ ref('explanation_templates') }}
),

-- every code name in one map: 'code_set:code' -> name
names as (
    {{ names_map() }}
),
{% for rule_code, rule_placeholders in placeholders.items() %}
explained_{{ rule_code | lower }} as (
    select
        flags.flag_id,
        flags.rule_code,
        {{ fill_template('templates.template', rule_placeholders) }} as explanation
    from flags
    cross join names
    inner join templates
        on flags.rule_code = templates.rule_code
    where flags.rule_code = '{{ rule_code }}'
),
{% endfor %}
final as (
    {%- for rule_code in placeholders %}
    select flag_id, rule_code, explanation from explained_{{ rule_code | lower }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from final
