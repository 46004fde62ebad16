{#
  R25 "三员"未分立: an active user (account_status '1') holding two or more of the
  active roles SYS_ADMIN (系统管理员), SEC_ADMIN (安全保密管理员), AUDIT_ADMIN
  (安全审计员). County: the user's org_county_code.
#}
with roles as (
    select * from {{ ref('int_user_roles_active') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

admin_roles as (
    select distinct user_id, role_code
    from roles
    where is_active_user
      and role_code in ('SYS_ADMIN', 'SEC_ADMIN', 'AUDIT_ADMIN')
),

admins_per_user as (
    select
        user_id,
        count(*) as admin_role_count,
        {{ json_array_agg(json_scalar('role_code'), 'role_code') }} as admin_roles
    from admin_roles
    group by user_id
),

flagged as (
    select *
    from admins_per_user
    where admin_role_count >= 2
),

final as (
    select
        'R25' as rule_code,
        'user_id' as subject_type,
        flagged.user_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        users.org_county_code as county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj_nested([
            ('user_id', 'flagged.user_id'),
            ('name', 'users.name'),
            ('account_status', 'users.account_status'),
            ('admin_roles', 'flagged.admin_roles', 'json')
        ]) }} as evidence
    from flagged
    inner join users
        on flagged.user_id = users.user_id
)

select * from final
