{# 待遇状态变更 (status_changes.csv, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'status_changes') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('change_id') }} as change_id,
        {{ clean('benefit_id') }} as benefit_id,
        {{ clean('person_id') }} as person_id,
        {{ clean('from_status') }} as from_status,
        {{ clean('to_status') }} as to_status,
        {{ clean('reason_code') }} as reason_code,
        {{ clean('operator_id') }} as operator_id,
        {{ clean('reviewer_id') }} as reviewer_id,
        {{ parse_timestamp('operated_at') }} as operated_at,
        {{ clean('batch_id') }} as op_batch_id,
        change_id as raw_change_id,
        benefit_id as raw_benefit_id,
        person_id as raw_person_id,
        from_status as raw_from_status,
        to_status as raw_to_status,
        reason_code as raw_reason_code,
        operator_id as raw_operator_id,
        reviewer_id as raw_reviewer_id,
        operated_at as raw_operated_at,
        batch_id as raw_batch_id,
        concat_ws(',', coalesce(change_id, ''), coalesce(benefit_id, ''), coalesce(person_id, ''), coalesce(from_status, ''), coalesce(to_status, ''), coalesce(reason_code, ''), coalesce(operator_id, ''), coalesce(reviewer_id, ''), coalesce(operated_at, ''), coalesce(batch_id, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('status_changes') }}

checked as (
    select
        typed.*,
        case
            when change_id is null then 'change_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (change_id)'
            when change_id is null then 'change_id: missing'
            when benefit_id is null then 'benefit_id: missing'
            when person_id is null then 'person_id: missing'
            {{ check_code('raw_from_status', 'from_status', landing_codes('status_changes', 'from_status'), required=true) }}
            {{ check_code('raw_to_status', 'to_status', landing_codes('status_changes', 'to_status'), required=true) }}
            {{ check_code('raw_reason_code', 'reason_code', landing_codes('status_changes', 'reason_code'), required=true) }}
            when operator_id is null then 'operator_id: missing'
            {{ check_value('raw_operated_at', 'operated_at', 'operated_at', required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('status_changes') }}
),

final as (
    select
        change_id,
        benefit_id,
        person_id,
        from_status,
        to_status,
        reason_code,
        operator_id,
        reviewer_id,
        operated_at,
        op_batch_id,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
