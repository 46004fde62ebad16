-- Roles held at as_of (RULES.md "active role"): granted_on <= as_of and
-- (revoked_on is null or revoked_on > as_of), with the user's account status.
with

user_roles as (
    select * from {{ ref('int_user_roles_current') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

as_of_date as (
    select as_of from {{ ref('int_as_of') }}
),

active_roles as (
    select
        user_roles.user_id,
        user_roles.role_code,
        user_roles.granted_on,
        user_roles.revoked_on
    from user_roles
    cross join as_of_date
    where user_roles.granted_on <= as_of_date.as_of
      and (user_roles.revoked_on is null or user_roles.revoked_on > as_of_date.as_of)
),

final as (
    select
        active_roles.user_id,
        active_roles.role_code,
        active_roles.granted_on,
        active_roles.revoked_on,
        users.account_status,
        coalesce(users.account_status = '1', false) as is_active_user
    from active_roles
    left join users
        on active_roles.user_id = users.user_id
)

select * from final
