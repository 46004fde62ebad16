{#
  R19 社会化服务认证结果未经复核: a certification by method '3' (社会化服务认证) whose
  reviewer_id is null or equals operator_id. County: the person's county.
#}
with certifications as (
    select * from {{ ref('int_certifications_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

flagged as (
    select *
    from certifications
    where method = '3'
      and (reviewer_id is null or reviewer_id = operator_id)
),

final as (
    select
        'R19' as rule_code,
        'cert_id' as subject_type,
        flagged.cert_id as subject_id,
        flagged.person_id,
        persons.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('cert_id', 'flagged.cert_id'),
            ('person_id', 'flagged.person_id'),
            ('name', 'persons.name'),
            ('certified_on', 'flagged.certified_on'),
            ('method', "'3 社会化服务认证'"),
            ('result', 'flagged.result'),
            ('operator_id', 'flagged.operator_id'),
            ('operator_name', 'users.name'),
            ('reviewer_id', 'flagged.reviewer_id')
        ]) }} as evidence
    from flagged
    left join persons
        on flagged.person_id = persons.person_id
    left join users
        on flagged.operator_id = users.user_id
)

select * from final
