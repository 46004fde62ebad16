{#
  R26 未采用实名制方式登录: an active user (account_status '1') whose login_method is
  '3' (用户名口令, not 数字证书 or 电子社保卡扫码). County: the user's org_county_code.
#}
with users as (
    select * from {{ ref('int_users_current') }}
),

flagged as (
    select *
    from users
    where account_status = '1'
      and login_method = '3'
),

final as (
    select
        'R26' as rule_code,
        'user_id' as subject_type,
        user_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        org_county_code as county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('user_id', 'user_id'),
            ('name', 'name'),
            ('account_status', 'account_status'),
            ('login_method', "'3 用户名口令'"),
            ('created_on', 'created_on')
        ]) }} as evidence
    from flagged
)

select * from final
