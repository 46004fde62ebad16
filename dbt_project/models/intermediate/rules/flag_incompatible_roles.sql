{#
  R13 一人兼任不相容业务岗位: an active user (account_status '1') holding an active
  conflicting pair of roles: BEN_ENTRY+BEN_REVIEW, PAY+BEN_REVIEW, PAY+CERT, or
  SYS_ADMIN with any of BEN_ENTRY, BEN_REVIEW, PAY. County: the user's org_county_code.
#}
with roles as (
    select * from {{ ref('int_user_roles_active') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

conflicting_pairs as (
    {%- set pairs = [
        ('BEN_ENTRY', 'BEN_REVIEW'),
        ('PAY', 'BEN_REVIEW'),
        ('PAY', 'CERT'),
        ('SYS_ADMIN', 'BEN_ENTRY'),
        ('SYS_ADMIN', 'BEN_REVIEW'),
        ('SYS_ADMIN', 'PAY')
    ] %}
    {%- for a, b in pairs %}
    select '{{ a }}' as role_a, '{{ b }}' as role_b, {{ loop.index }} as pair_order
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

active_user_roles as (
    select user_id, role_code, granted_on
    from roles
    where is_active_user
),

user_conflicts as (
    select
        role_a.user_id,
        conflicting_pairs.pair_order,
        concat(conflicting_pairs.role_a, '+', conflicting_pairs.role_b) as conflict,
        -- the pair is held from the later of its two grants on
        case when role_a.granted_on > role_b.granted_on then role_a.granted_on else role_b.granted_on end as held_since
    from conflicting_pairs
    inner join active_user_roles as role_a
        on conflicting_pairs.role_a = role_a.role_code
    inner join active_user_roles as role_b
        on conflicting_pairs.role_b = role_b.role_code
       and role_a.user_id = role_b.user_id
),

conflicts_per_user as (
    select
        user_id,
        {{ json_array_agg(json_scalar('conflict'), 'pair_order') }} as conflicts
    from (select distinct user_id, pair_order, conflict from user_conflicts) as distinct_conflicts
    group by user_id
),

-- since when the user holds some conflicting pair (the earliest pair start)
conflict_starts as (
    select
        user_id,
        min(held_since) as conflict_since
    from user_conflicts
    group by user_id
),

roles_per_user as (
    select
        user_id,
        {{ json_array_agg(
            json_obj([('role_code', 'role_code'), ('granted_on', 'granted_on')]),
            ['role_code', 'granted_on']
        ) }} as active_roles
    from active_user_roles
    group by user_id
),

final as (
    select
        'R13' as rule_code,
        'user_id' as subject_type,
        conflicts_per_user.user_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        users.org_county_code as county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj_nested([
            ('user_id', 'conflicts_per_user.user_id'),
            ('name', 'users.name'),
            ('account_status', 'users.account_status'),
            ('conflicting_pairs', 'conflicts_per_user.conflicts', 'json'),
            ('conflict_since', 'conflict_starts.conflict_since'),
            ('active_roles', 'roles_per_user.active_roles', 'json')
        ]) }} as evidence
    from conflicts_per_user
    inner join users
        on conflicts_per_user.user_id = users.user_id
    inner join roles_per_user
        on conflicts_per_user.user_id = roles_per_user.user_id
    inner join conflict_starts
        on conflicts_per_user.user_id = conflict_starts.user_id
)

select * from final
