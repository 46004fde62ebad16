{# 人员花名册 (staff.xlsx, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'staff') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('user_id') }} as user_id,
        {{ clean('name') }} as name,
        {{ id_upper('id_number') }} as id_number,
        {{ normalize_id('id_number') }} as nid,
        {{ clean('agency_code') }} as agency_code,
        {{ clean('post') }} as post,
        {{ clean('employment_status') }} as employment_status,
        {{ parse_date('left_on') }} as left_on,
        user_id as raw_user_id,
        name as raw_name,
        id_number as raw_id_number,
        agency_code as raw_agency_code,
        post as raw_post,
        employment_status as raw_employment_status,
        left_on as raw_left_on,
        concat_ws(',', coalesce(user_id, ''), coalesce(name, ''), coalesce(id_number, ''), coalesce(agency_code, ''), coalesce(post, ''), coalesce(employment_status, ''), coalesce(left_on, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('staff') }}

checked as (
    select
        typed.*,
        case
            when user_id is null then 'user_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (user_id)'
            when user_id is null then 'user_id: missing'
            when name is null then 'name: missing'
            {{ check_code('raw_agency_code', 'agency_code', landing_codes('staff', 'agency_code'), required=true) }}
            {{ check_code('raw_employment_status', 'employment_status', landing_codes('staff', 'employment_status'), required=true) }}
            {{ check_value('raw_left_on', 'left_on', 'left_on', required=false) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('staff') }}
),

final as (
    select
        user_id,
        name,
        id_number,
        nid,
        nid is not null as id_valid,
        agency_code,
        post,
        employment_status,
        left_on,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
