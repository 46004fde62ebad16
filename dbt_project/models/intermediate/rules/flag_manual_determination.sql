{#
  R08 手工核定、录入待遇: a benefit with determination '2' (手工核定/录入) and
  determined_at >= screen_from. County: the person's county.
#}
with benefits as (
    select * from {{ ref('int_benefits_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

flagged as (
    select *
    from benefits
    where determination = '2'
      and determined_at >= cast('{{ var("screen_from") }}' as date)
),

final as (
    select
        'R08' as rule_code,
        'benefit_id' as subject_type,
        flagged.benefit_id as subject_id,
        flagged.person_id,
        persons.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('benefit_id', 'flagged.benefit_id'),
            ('person_id', 'flagged.person_id'),
            ('name', 'persons.name'),
            ('scheme_code', 'flagged.scheme_code'),
            ('start_month', format_month('flagged.start_month')),
            ('monthly_amount', 'flagged.monthly_amount'),
            ('determination', "'2 手工核定/录入'"),
            ('determined_by', 'flagged.determined_by'),
            ('determined_by_name', 'users.name'),
            ('reviewed_by', 'flagged.reviewed_by'),
            ('determined_at', as_text('flagged.determined_at')),
            ('status', 'flagged.status')
        ]) }} as evidence
    from flagged
    left join persons
        on flagged.person_id = persons.person_id
    left join users
        on flagged.determined_by = users.user_id
)

select * from final
