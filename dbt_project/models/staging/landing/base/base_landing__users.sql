{# 经办系统用户 (users.csv, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'users') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('user_id') }} as user_id,
        {{ clean('name') }} as name,
        {{ id_upper('id_number') }} as id_number,
        {{ normalize_id('id_number') }} as nid,
        {{ clean('org_county_code') }} as org_county_code,
        {{ clean('account_status') }} as account_status,
        {{ parse_date('created_on') }} as created_on,
        {{ parse_date('disabled_on') }} as disabled_on,
        {{ clean('login_method') }} as login_method,
        user_id as raw_user_id,
        name as raw_name,
        id_number as raw_id_number,
        org_county_code as raw_org_county_code,
        account_status as raw_account_status,
        created_on as raw_created_on,
        disabled_on as raw_disabled_on,
        login_method as raw_login_method,
        concat_ws(',', coalesce(user_id, ''), coalesce(name, ''), coalesce(id_number, ''), coalesce(org_county_code, ''), coalesce(account_status, ''), coalesce(created_on, ''), coalesce(disabled_on, ''), coalesce(login_method, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('users') }}

checked as (
    select
        typed.*,
        case
            when user_id is null then 'user_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (user_id)'
            when user_id is null then 'user_id: missing'
            when name is null then 'name: missing'
            {{ check_code('raw_org_county_code', 'org_county_code', landing_codes('users', 'org_county_code'), required=true) }}
            {{ check_code('raw_account_status', 'account_status', landing_codes('users', 'account_status'), required=true) }}
            {{ check_value('raw_created_on', 'created_on', 'created_on', required=false) }}
            {{ check_value('raw_disabled_on', 'disabled_on', 'disabled_on', required=false) }}
            {{ check_code('raw_login_method', 'login_method', landing_codes('users', 'login_method'), required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('users') }}
),

final as (
    select
        user_id,
        name,
        id_number,
        nid,
        nid is not null as id_valid,
        org_county_code,
        account_status,
        created_on,
        disabled_on,
        login_method,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
