{#
  R17 连续两年未进行资格认证: a person with a benefit in status '1' whose start_month
  <= (as_of month - r17_months months) and no passed certification (result '1')
  with certified_on in (as_of - r17_months months, as_of]. County: the person's county.
#}
with benefits as (
    select * from {{ ref('int_benefits_current') }}
),

certifications as (
    select * from {{ ref('int_certifications_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

as_of_date as (
    select
        as_of,
        {{ add_months('as_of', -var('r17_months')) }} as window_start,
        {{ add_months(month_start('as_of'), -var('r17_months')) }} as latest_start_month
    from {{ ref('int_as_of') }}
),

long_running_benefits as (
    select
        benefits.person_id,
        benefits.benefit_id,
        benefits.scheme_code,
        benefits.start_month
    from benefits
    cross join as_of_date
    where benefits.status = '1'
      and benefits.start_month <= as_of_date.latest_start_month
),

recent_passes as (
    select distinct certifications.person_id
    from certifications
    cross join as_of_date
    where certifications.result = '1'
      and certifications.certified_on > as_of_date.window_start
      and certifications.certified_on <= as_of_date.as_of
),

last_passes as (
    select person_id, max(certified_on) as last_passed_on
    from certifications
    where result = '1'
    group by person_id
),

flagged_benefits as (
    select long_running_benefits.*
    from long_running_benefits
    left join recent_passes
        on long_running_benefits.person_id = recent_passes.person_id
    where recent_passes.person_id is null
),

flagged as (
    select
        person_id,
        min(start_month) as earliest_start_month,
        {{ json_array_agg(
            json_obj([
                ('benefit_id', 'benefit_id'),
                ('scheme_code', 'scheme_code'),
                ('start_month', format_month('start_month'))
            ]),
            'benefit_id'
        ) }} as benefits
    from flagged_benefits
    group by person_id
),

final as (
    select
        'R17' as rule_code,
        'person_id' as subject_type,
        flagged.person_id as subject_id,
        flagged.person_id,
        persons.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj_nested([
            ('person_id', 'flagged.person_id'),
            ('name', 'persons.name'),
            ('benefits_in_payment', 'flagged.benefits', 'json'),
            ('no_passed_certification_after', 'as_of_date.window_start'),
            ('as_of', 'as_of_date.as_of'),
            ('last_passed_certification', 'last_passes.last_passed_on')
        ]) }} as evidence
    from flagged
    cross join as_of_date
    left join persons
        on flagged.person_id = persons.person_id
    left join last_passes
        on flagged.person_id = last_passes.person_id
)

select * from final
