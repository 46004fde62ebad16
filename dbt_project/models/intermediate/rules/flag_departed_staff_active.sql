{#
  R24 离职离岗人员系统权限未及时注销: a roster entry with 在岗状态 <> '在岗' and
  离岗日期 <= as_of, whose account is still active (users.account_status '1') or who
  has an operation on a later calendar day than 离岗日期. County: the user's
  org_county_code (a user absent from users: the roster's 所在单位).
#}
with staff as (
    select * from {{ ref('int_staff_current') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

operations as (
    select * from {{ ref('int_operations_current') }}
),

as_of_date as (
    select as_of from {{ ref('int_as_of') }}
),

departed as (
    select
        staff.user_id,
        staff.name,
        staff.agency_code,
        staff.employment_status,
        staff.left_on
    from staff
    cross join as_of_date
    where staff.employment_status <> '在岗'
      and staff.left_on <= as_of_date.as_of
),

operations_after_leaving as (
    select
        departed.user_id,
        count(*) as operation_count,
        min(operations.operated_at) as first_operated_at,
        max(operations.operated_at) as last_operated_at
    from departed
    inner join operations
        on departed.user_id = operations.user_id
    where {{ day_of('operations.operated_at') }} > departed.left_on
    group by departed.user_id
),

flagged as (
    select
        departed.*,
        users.org_county_code,
        users.account_status,
        users.disabled_on,
        coalesce(operations_after_leaving.operation_count, 0) as operations_after_leaving,
        operations_after_leaving.first_operated_at,
        operations_after_leaving.last_operated_at
    from departed
    left join users
        on departed.user_id = users.user_id
    left join operations_after_leaving
        on departed.user_id = operations_after_leaving.user_id
    where users.account_status = '1'
       or operations_after_leaving.user_id is not null
),

final as (
    select
        'R24' as rule_code,
        'user_id' as subject_type,
        user_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        coalesce(org_county_code, agency_code) as county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('user_id', 'user_id'),
            ('name', 'name'),
            ('employment_status', 'employment_status'),
            ('left_on', 'left_on'),
            ('account_status', 'account_status'),
            ('disabled_on', 'disabled_on'),
            ('operations_after_leaving', 'operations_after_leaving'),
            ('first_operation_after_leaving', as_text('first_operated_at')),
            ('last_operation_after_leaving', as_text('last_operated_at'))
        ]) }} as evidence
    from flagged
)

select * from final
