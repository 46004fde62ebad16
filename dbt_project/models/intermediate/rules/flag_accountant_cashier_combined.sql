{#
  R16 会计、出纳兼任: an active user (account_status '1') holding both active
  FIN_ACCOUNTANT (会计) and FIN_CASHIER (出纳). County: the user's org_county_code.
#}
with roles as (
    select * from {{ ref('int_user_roles_active') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

finance_roles as (
    select
        user_id,
        min(case when role_code = 'FIN_ACCOUNTANT' then granted_on end) as accountant_since,
        min(case when role_code = 'FIN_CASHIER' then granted_on end) as cashier_since
    from roles
    where is_active_user
      and role_code in ('FIN_ACCOUNTANT', 'FIN_CASHIER')
    group by user_id
),

flagged as (
    select *
    from finance_roles
    where accountant_since is not null
      and cashier_since is not null
),

final as (
    select
        'R16' as rule_code,
        'user_id' as subject_type,
        flagged.user_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        users.org_county_code as county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('user_id', 'flagged.user_id'),
            ('name', 'users.name'),
            ('account_status', 'users.account_status'),
            ('fin_accountant_granted_on', 'flagged.accountant_since'),
            ('fin_cashier_granted_on', 'flagged.cashier_since')
        ]) }} as evidence
    from flagged
    inner join users
        on flagged.user_id = users.user_id
)

select * from final
