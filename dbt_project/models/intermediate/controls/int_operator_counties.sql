-- County of every operator (经办人) known to users or to the staff roster
-- (RULES.md "County attribution"): users.org_county_code, and for a user absent
-- from users the roster's 所在单位 (agency_code).
with

users as (
    select * from {{ ref('int_users_current') }}
),

staff as (
    select * from {{ ref('int_staff_current') }}
),

operator_ids as (
    select user_id from users
    union
    select user_id from staff
),

final as (
    select
        operator_ids.user_id,
        coalesce(users.org_county_code, staff.agency_code) as county_code,
        users.user_id is not null as is_known_user
    from operator_ids
    left join users
        on operator_ids.user_id = users.user_id
    left join staff
        on operator_ids.user_id = staff.user_id
)

select * from final
