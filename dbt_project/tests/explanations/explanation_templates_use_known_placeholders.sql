{# seeds/explanation_templates.csv, checked against macros/explanation_placeholders.sql:
   exactly one template per rule R01 … R29, every {占位符} of a template is one its rule
   offers, the `placeholders` column lists exactly what the rule offers (so the list the
   policy officer reads is right), and the [ … ] segments are balanced and not nested.
   Returns the faulty rules. #}
{%- set placeholders = explanation_placeholders() %}
with templates as (
    select * from {{ ref('explanation_templates') }}
),

expected as (
    {%- for rule_code in placeholders %}
    select '{{ rule_code }}' as rule_code
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

counted as (
    select expected.rule_code, count(templates.rule_code) as template_count
    from expected
    left join templates on expected.rule_code = templates.rule_code
    group by expected.rule_code
),

-- each template with its rule's placeholders removed: no brace may remain
stripped as (
    {%- for rule_code, rule_placeholders in placeholders.items() %}
    {%- set sql = namespace(text='template') %}
    {%- for name, _value in rule_placeholders %}
        {%- set sql.text = "replace(" ~ sql.text ~ ", '{" ~ name ~ "}', '')" %}
    {%- endfor %}
    select
        rule_code,
        template,
        {{ sql.text }} as rest,
        '{{ explanation_placeholder_names(rule_placeholders) }}' as expected_list,
        coalesce(placeholders, '') <> '{{ explanation_placeholder_names(rule_placeholders) }}' as list_differs
    from templates
    where rule_code = '{{ rule_code }}'
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select rule_code, concat('templates for this rule: ', cast(template_count as {{ dbt.type_string() }})) as problem
    from counted
    where template_count <> 1
    union all
    select rule_code, 'template of an unknown rule' as problem
    from templates
    where rule_code not in (select rule_code from expected)
    union all
    select rule_code, concat('unknown placeholder or stray brace: ', rest) as problem
    from stripped
    where rest like concat('%', '{', '%') or rest like concat('%', '}', '%')
    union all
    select rule_code, concat('the placeholders column should read: ', expected_list) as problem
    from stripped
    where list_differs
    union all
    -- brackets: every ] closes exactly one [ opened after the previous ] (balanced, not nested)
    select rule_code, concat('unbalanced or nested [ ]: ', template) as problem
    from stripped
    where length(replace(template, '[', '')) <> length(replace(template, ']', ''))
    {%- for k in range(1, 9) %}
    {%- set part = dbt.split_part('template', "']'", k) %}
       or (length(template) - length(replace(template, ']', '')) >= {{ k }}
           and length({{ part }}) - length(replace({{ part }}, '[', '')) <> 1)
    {%- endfor %}
)

select * from final
