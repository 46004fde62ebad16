{#
  R23 关键信息变更等高风险业务未经复核: an operation with op_code BENEFIT_DETERMINE,
  STATUS_RESUME, AMOUNT_ADJUST, BACKPAY or BANK_CHANGE whose reviewer_id is null or
  equals the operator (user_id). Every operation is considered (no screen_from).
  County: the operator's org_county_code (a user absent from users: the roster's
  所在单位). person_id: the person the operation touched (null when none).
#}
with operations as (
    select * from {{ ref('int_operations_current') }}
),

operator_counties as (
    select * from {{ ref('int_operator_counties') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

flagged as (
    select *
    from operations
    where op_code in ('BENEFIT_DETERMINE', 'STATUS_RESUME', 'AMOUNT_ADJUST', 'BACKPAY', 'BANK_CHANGE')
      and (reviewer_id is null or reviewer_id = user_id)
),

final as (
    select
        'R23' as rule_code,
        'log_id' as subject_type,
        flagged.log_id as subject_id,
        flagged.person_id,
        operator_counties.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('log_id', 'flagged.log_id'),
            ('op_code', 'flagged.op_code'),
            ('operated_at', as_text('flagged.operated_at')),
            ('operator', 'flagged.user_id'),
            ('operator_name', 'users.name'),
            ('reviewer_id', 'flagged.reviewer_id'),
            ('self_reviewed', 'flagged.reviewer_id is not null'),
            ('person_id', 'flagged.person_id'),
            ('person_name', 'persons.name'),
            ('target_id', 'flagged.target_id'),
            ('batch_id', 'flagged.op_batch_id')
        ]) }} as evidence
    from flagged
    left join operator_counties
        on flagged.user_id = operator_counties.user_id
    left join users
        on flagged.user_id = users.user_id
    left join persons
        on flagged.person_id = persons.person_id
)

select * from final
