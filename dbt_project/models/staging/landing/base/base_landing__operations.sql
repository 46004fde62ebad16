{# 经办系统操作日志 (operations.csv, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'operations') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('log_id') }} as log_id,
        {{ clean('user_id') }} as user_id,
        {{ clean('op_code') }} as op_code,
        {{ clean('person_id') }} as person_id,
        {{ clean('target_id') }} as target_id,
        {{ clean('batch_id') }} as op_batch_id,
        {{ parse_timestamp('operated_at') }} as operated_at,
        {{ clean('reviewer_id') }} as reviewer_id,
        {{ clean('client_ip') }} as client_ip,
        log_id as raw_log_id,
        user_id as raw_user_id,
        op_code as raw_op_code,
        person_id as raw_person_id,
        target_id as raw_target_id,
        batch_id as raw_batch_id,
        operated_at as raw_operated_at,
        reviewer_id as raw_reviewer_id,
        client_ip as raw_client_ip,
        concat_ws(',', coalesce(log_id, ''), coalesce(user_id, ''), coalesce(op_code, ''), coalesce(person_id, ''), coalesce(target_id, ''), coalesce(batch_id, ''), coalesce(operated_at, ''), coalesce(reviewer_id, ''), coalesce(client_ip, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('operations') }}

checked as (
    select
        typed.*,
        case
            when log_id is null then 'log_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (log_id)'
            when log_id is null then 'log_id: missing'
            when user_id is null then 'user_id: missing'
            {{ check_code('raw_op_code', 'op_code', landing_codes('operations', 'op_code'), required=true) }}
            {{ check_value('raw_operated_at', 'operated_at', 'operated_at', required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('operations') }}
),

final as (
    select
        log_id,
        user_id,
        op_code,
        person_id,
        target_id,
        op_batch_id,
        operated_at,
        reviewer_id,
        client_ip,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
