{# rule_outcomes has one row per (rule of the catalogue, agency or TOTAL) — zero rows included —
   and its TOTAL row is the sum of the agency rows. Returns the offending pairs. #}
{%- set figures = ['flags', 'reviewed', 'confirmed', 'not_confirmed', 'recovered_amount'] %}
with outcomes as (
    select * from {{ ref('rule_outcomes') }}
),

expected as (
    select rules.rule_code, agencies.agency_code
    from {{ ref('rule_catalogue') }} as rules
    cross join (
        select agency_code from {{ ref('agencies') }}
        union all
        select 'TOTAL' as agency_code
    ) as agencies
),

agency_sums as (
    select
        rule_code,
        {%- for f in figures %}
        sum({{ f }}) as {{ f }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from outcomes
    where agency_code <> 'TOTAL'
    group by rule_code
),

final as (
    select expected.rule_code, expected.agency_code, 'missing row' as problem
    from expected
    left join outcomes
        on expected.rule_code = outcomes.rule_code and expected.agency_code = outcomes.agency_code
    where outcomes.rule_code is null
    union all
    select outcomes.rule_code, outcomes.agency_code, 'unexpected row' as problem
    from outcomes
    left join expected
        on expected.rule_code = outcomes.rule_code and expected.agency_code = outcomes.agency_code
    where expected.rule_code is null
    union all
    select outcomes.rule_code, outcomes.agency_code, 'reviewed <> confirmed + not_confirmed' as problem
    from outcomes
    where outcomes.reviewed <> outcomes.confirmed + outcomes.not_confirmed
    {%- for f in figures %}
    union all
    select outcomes.rule_code, outcomes.agency_code, 'TOTAL {{ f }} <> sum of the agencies' as problem
    from outcomes
    inner join agency_sums on outcomes.rule_code = agency_sums.rule_code
    where outcomes.agency_code = 'TOTAL' and outcomes.{{ f }} <> agency_sums.{{ f }}
    {%- endfor %}
)

select * from final
