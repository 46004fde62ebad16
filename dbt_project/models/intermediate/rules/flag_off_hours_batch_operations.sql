{#
  R06 非工作时间批量办理高风险业务: an operations batch (non-null batch_id) holding
  >= r06_min_ops operations with op_code STATUS_RESUME, AMOUNT_ADJUST or BACKPAY,
  whose start (earliest operated_at of ALL its operations) is off-hours: not an
  official working day (work_calendar; 调休 working days count) or outside
  [work_start_hour, work_end_hour). Every operation is considered (no screen_from).
  County: the user of the batch's earliest operation.
#}
with batches as (
    select * from {{ ref('int_operation_batches') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

flagged as (
    select *
    from batches
    where high_risk_operation_count >= {{ var('r06_min_ops') }}
      and not batch_start_is_working_time
),

final as (
    select
        'R06' as rule_code,
        'op_batch_id' as subject_type,
        flagged.op_batch_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        flagged.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('batch_id', 'flagged.op_batch_id'),
            ('batch_start', as_text('flagged.batch_start')),
            ('batch_end', as_text('flagged.batch_end')),
            ('start_day_type', 'flagged.batch_start_day_type'),
            ('start_holiday', 'flagged.batch_start_holiday_name'),
            ('working_hours', "'" ~ var('work_start_hour') ~ ":00-" ~ var('work_end_hour') ~ ":00'"),
            ('operations', 'flagged.operation_count'),
            ('high_risk_operations', 'flagged.high_risk_operation_count'),
            ('status_resume', 'flagged.status_resume_count'),
            ('amount_adjust', 'flagged.amount_adjust_count'),
            ('backpay', 'flagged.backpay_count'),
            ('first_log_id', 'flagged.first_log_id'),
            ('operator', 'flagged.user_id'),
            ('operator_name', 'users.name')
        ]) }} as evidence
    from flagged
    left join users on flagged.user_id = users.user_id
)

select * from final
