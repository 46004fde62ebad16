{#
  M and scheme per person (RULES.md): M = sum of monthly_amount over all the
  person's benefits whatever their status; the scheme is that of the benefit with
  the largest monthly_amount (ties: smallest benefit_id). Also the R04 / R05
  floors that scheme implies (dbt vars).
#}
with benefits as (
    select * from {{ ref('int_benefits_current') }}
),

ranked as (
    select
        person_id,
        benefit_id,
        scheme_code,
        monthly_amount,
        row_number() over (
            partition by person_id order by monthly_amount desc, benefit_id
        ) as amount_rank
    from benefits
),

per_person as (
    select
        person_id,
        sum(monthly_amount) as approved_monthly_amount,
        count(*) as benefit_count
    from ranked
    group by person_id
),

main_benefit as (
    select person_id, benefit_id, scheme_code
    from ranked
    where amount_rank = 1
),

final as (
    select
        per_person.person_id,
        per_person.approved_monthly_amount,
        per_person.benefit_count,
        main_benefit.benefit_id as main_benefit_id,
        main_benefit.scheme_code,
        case main_benefit.scheme_code
            when '170' then {{ var('r04_floor_170') }}
            when '110' then {{ var('r04_floor_110') }}
            when '120' then {{ var('r04_floor_120') }}
        end as extreme_floor,
        case main_benefit.scheme_code
            when '170' then {{ var('r05_floor_170') }}
            when '110' then {{ var('r05_floor_110') }}
            when '120' then {{ var('r05_floor_120') }}
        end as high_floor
    from per_person
    inner join main_benefit on per_person.person_id = main_benefit.person_id
)

select * from final
