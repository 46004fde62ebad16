{#
  风险台账 (risk ledger): one row per case (int_cases_unioned: every flag, every
  issued suspect, every recorded case whose flag no longer fires) with its current
  verification record and review state, and its priority (优先级) for the worklist.

  priority (INTERFACE.md "Verification"; configuration: vars priority_* in
  dbt_project.yml, formula: macros/priority.sql) = priority_base x priority_rate,
  2 decimals, in yuan — the expected amount at stake:
    - priority_base: the flag's amount; for a rule without an amount (has_amount
      false) the rule's weight; for an issued suspect priority_suspect_weight; 0 for
      a case whose flag no longer fires (nothing left at stake);
    - priority_rate: the rule's smoothed confirmed rate city-wide (rule_outcomes,
      agency TOTAL — one agency's few reviews would say little about a rule); for
      an issued suspect the smoothed rate of the reviewed suspect cases;
    - an overdue issued suspect (逾期未核查) gets priority_overdue_bonus on top, so
      it comes first in any list sorted by priority alone.
  The case's own state does not change its priority (a finished case keeps its
  place; the worklist filters by state).

  What the worklist shows beside the case (read as columns by the Python
  worklist, pension_risk.cases.queries.ledger; personal data by the column
  names the masking layer knows: person_name, id_number):
    - person_name / id_number: an issued suspect's own 姓名 / 公民身份号码 as
      issued, else those of the case's person (int_persons_current);
    - evidence: the flag's evidence (risk_flags); for an issued suspect its
      issuer, suspect_type and description as a JSON document (null when all
      three are missing);
    - explanation: the flag's Chinese explanation (risk_flags); null for suspects.
#}
with cases as (
    select * from {{ ref('int_cases_unioned') }}
),

rule_catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

flags as (
    select * from {{ ref('risk_flags') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

suspects as (
    select * from {{ ref('int_suspects_current') }}
),

-- the rule's city-wide outcome (agency TOTAL)
rule_rates as (
    select
        rule_code,
        smoothed_confirmed_rate
    from {{ ref('rule_outcomes') }}
    where agency_code = 'TOTAL'
),

-- issued suspects have no rule: their own reviewed conclusions, smoothed the same way
suspect_rate as (
    select
        {{ smoothed_confirmed_rate(
            "coalesce(sum(case when review_status = '已复核' and conclusion = '属实' then 1 else 0 end), 0)",
            "coalesce(sum(case when review_status = '已复核' then 1 else 0 end), 0)") }} as smoothed_confirmed_rate
    from cases
    where case_type = 'suspect'
),

weighted as (
    select
        cases.*,
        cast(case
            when not cases.detected then 0
            when cases.case_type = 'suspect' then {{ var('priority_suspect_weight') }}
            when rule_catalogue.has_amount then coalesce(cases.amount, 0)
            else {{ priority_weight('cases.rule_code') }}
        end as decimal(18, 2)) as priority_base,
        case
            when cases.case_type = 'suspect' then suspect_rate.smoothed_confirmed_rate
            else coalesce(rule_rates.smoothed_confirmed_rate, {{ smoothed_confirmed_rate(0, 0) }})
        end as priority_rate
    from cases
    cross join suspect_rate
    left join rule_catalogue
        on cases.rule_code = rule_catalogue.rule_code
    left join rule_rates
        on cases.rule_code = rule_rates.rule_code
),

-- the person, evidence and explanation the worklist shows beside the case
described as (
    select
        weighted.*,
        coalesce(suspects.name, persons.name) as person_name,
        coalesce(suspects.id_number, persons.id_number) as id_number,
        coalesce(
            flags.evidence,
            case
                when suspects.issuer is not null
                     or suspects.suspect_type is not null
                     or suspects.description is not null
                    then {{ json_obj([
                        ('issuer', 'suspects.issuer'),
                        ('suspect_type', 'suspects.suspect_type'),
                        ('description', 'suspects.description')
                    ]) }}
            end
        ) as evidence,
        flags.explanation
    from weighted
    left join flags
        on weighted.flag_id = flags.flag_id
       and weighted.case_type = 'flag'
    left join persons
        on weighted.person_id = persons.person_id
    left join suspects
        on weighted.suspect_id = suspects.suspect_id
       and weighted.case_type = 'suspect'
),

final as (
    select
        case_id,
        case_type,
        flag_id,
        rule_code,
        subject_id,
        suspect_id,
        person_id,
        county_code,
        amount,
        detected,
        conclusion,
        problem_note,
        recovered_amount,
        rectification_status,
        rectification_measures,
        verified_by,
        verified_on,
        updated_at,
        review_status,
        reviewed_by,
        reviewed_at,
        review_note,
        matched_flag_ids,
        overdue,
        rule_name,
        section,
        issued_on,
        priority_base,
        priority_rate,
        cast(
            round(priority_base * priority_rate, 2)
            + case when overdue then {{ var('priority_overdue_bonus') }} else 0 end
        as decimal(18, 2)) as priority,
        person_name,
        id_number,
        evidence,
        explanation
    from described
)

select * from final
