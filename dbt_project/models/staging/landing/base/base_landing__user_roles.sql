{# 用户权限 (user_roles.csv, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'user_roles') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('user_id') }} as user_id,
        {{ clean('role_code') }} as role_code,
        {{ parse_date('granted_on') }} as granted_on,
        {{ parse_date('revoked_on') }} as revoked_on,
        user_id as raw_user_id,
        role_code as raw_role_code,
        granted_on as raw_granted_on,
        revoked_on as raw_revoked_on,
        concat_ws(',', coalesce(user_id, ''), coalesce(role_code, ''), coalesce(granted_on, ''), coalesce(revoked_on, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('user_roles') }}

checked as (
    select
        typed.*,
        case
            when user_id is null then 'user_id: missing key'
            when role_code is null then 'role_code: missing key'
            when granted_on is null then 'granted_on: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (user_id+role_code+granted_on)'
            when user_id is null then 'user_id: missing'
            {{ check_code('raw_role_code', 'role_code', landing_codes('user_roles', 'role_code'), required=true) }}
            {{ check_value('raw_granted_on', 'granted_on', 'granted_on', required=true) }}
            {{ check_value('raw_revoked_on', 'revoked_on', 'revoked_on', required=false) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('user_roles') }}
),

final as (
    select
        user_id,
        role_code,
        granted_on,
        revoked_on,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
