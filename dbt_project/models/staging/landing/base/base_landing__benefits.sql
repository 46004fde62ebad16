{# 待遇核定与领取资格 (benefits.csv, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'benefits') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('benefit_id') }} as benefit_id,
        {{ clean('person_id') }} as person_id,
        {{ clean('scheme_code') }} as scheme_code,
        {{ parse_month('start_month') }} as start_month,
        {{ parse_amount('monthly_amount') }} as monthly_amount,
        {{ clean('determination') }} as determination,
        {{ clean('determined_by') }} as determined_by,
        {{ clean('reviewed_by') }} as reviewed_by,
        {{ parse_timestamp('determined_at') }} as determined_at,
        {{ clean('status') }} as status,
        {{ clean('status_reason') }} as status_reason,
        {{ parse_date('status_since') }} as status_since,
        {{ clean('account_no') }} as account_no,
        benefit_id as raw_benefit_id,
        person_id as raw_person_id,
        scheme_code as raw_scheme_code,
        start_month as raw_start_month,
        monthly_amount as raw_monthly_amount,
        determination as raw_determination,
        determined_by as raw_determined_by,
        reviewed_by as raw_reviewed_by,
        determined_at as raw_determined_at,
        status as raw_status,
        status_reason as raw_status_reason,
        status_since as raw_status_since,
        account_no as raw_account_no,
        concat_ws(',', coalesce(benefit_id, ''), coalesce(person_id, ''), coalesce(scheme_code, ''), coalesce(start_month, ''), coalesce(monthly_amount, ''), coalesce(determination, ''), coalesce(determined_by, ''), coalesce(reviewed_by, ''), coalesce(determined_at, ''), coalesce(status, ''), coalesce(status_reason, ''), coalesce(status_since, ''), coalesce(account_no, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('benefits') }}

checked as (
    select
        typed.*,
        case
            when benefit_id is null then 'benefit_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (benefit_id)'
            when benefit_id is null then 'benefit_id: missing'
            when person_id is null then 'person_id: missing'
            {{ check_code('raw_scheme_code', 'scheme_code', landing_codes('benefits', 'scheme_code'), required=true) }}
            {{ check_value('raw_start_month', 'start_month', 'start_month', required=true) }}
            {{ check_value('raw_monthly_amount', 'monthly_amount', 'monthly_amount', required=true) }}
            {{ check_code('raw_determination', 'determination', landing_codes('benefits', 'determination'), required=true) }}
            when determined_by is null then 'determined_by: missing'
            {{ check_value('raw_determined_at', 'determined_at', 'determined_at', required=true) }}
            {{ check_code('raw_status', 'status', landing_codes('benefits', 'status'), required=true) }}
            {{ check_code('raw_status_reason', 'status_reason', landing_codes('benefits', 'status_reason'), required=false) }}
            {{ check_value('raw_status_since', 'status_since', 'status_since', required=true) }}
            when account_no is null then 'account_no: missing'
        end as _reject_reason
    from typed
    {{ join_repeated_keys('benefits') }}
),

final as (
    select
        benefit_id,
        person_id,
        scheme_code,
        start_month,
        monthly_amount,
        determination,
        determined_by,
        reviewed_by,
        determined_at,
        status,
        status_reason,
        status_since,
        account_no,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
