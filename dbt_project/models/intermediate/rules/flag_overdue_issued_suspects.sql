{#
  R29 部省下发疑点逾期未核查: an issued suspect (部省下发疑点) with 下发日期 <= as_of -
  r29_days days and no recorded verification conclusion: no case record
  (case_id 'SUS-' || 疑点编号) whose conclusion is 属实 or 不属实. 核查中 (in
  progress) is not a conclusion, so a suspect still 核查中 after the deadline is
  flagged. County: the suspect's 县区代码.
#}
with suspects as (
    select * from {{ ref('int_suspects_current') }}
),

case_records as (
    select * from {{ ref('stg_cases__case_records') }}
),

as_of_date as (
    select
        as_of,
        {{ add_days('as_of', -var('r29_days')) }} as issued_by
    from {{ ref('int_as_of') }}
),

suspect_cases as (
    select
        case_id,
        max(conclusion) as conclusion,
        max(case when conclusion in ('属实', '不属实') then 1 else 0 end) as has_conclusion,
        max(verified_by) as verified_by,
        max(verified_on) as verified_on
    from case_records
    group by case_id
),

flagged as (
    select
        suspects.*,
        suspect_cases.conclusion,
        suspect_cases.verified_by,
        suspect_cases.verified_on,
        as_of_date.as_of
    from suspects
    cross join as_of_date
    left join suspect_cases
        on concat('SUS-', suspects.suspect_id) = suspect_cases.case_id
    where suspects.issued_on <= as_of_date.issued_by
      and coalesce(suspect_cases.has_conclusion, 0) = 0
),

final as (
    select
        'R29' as rule_code,
        'suspect_id' as subject_type,
        suspect_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('suspect_id', 'suspect_id'),
            ('issuer', 'issuer'),
            ('issued_on', 'issued_on'),
            ('suspect_type', 'suspect_type'),
            ('id_number', 'id_number'),
            ('name', 'name'),
            ('description', 'description'),
            ('days_since_issued', dbt.datediff('issued_on', 'as_of', 'day')),
            ('current_conclusion', "coalesce(conclusion, '未核查')"),
            ('verified_by', 'verified_by'),
            ('verified_on', 'verified_on')
        ]) }} as evidence
    from flagged
)

select * from final
