-- Operations batches (操作批次, R06): operations sharing a non-null batch_id.
-- The batch starts at the earliest operated_at of ALL its operations; the batch is
-- attributed to the user of that earliest operation (ties: smallest log_id) and
-- to that user's county (users.org_county_code, else the roster's 所在单位).
-- Working time of the start as in int_operations_working_time (work_calendar seed;
-- a day outside the seed falls back to Monday–Friday), computed here for the
-- batches' first operations only.
with

operations as (
    select * from {{ ref('int_operations_current') }}
),

work_calendar as (
    select * from {{ ref('work_calendar') }}
),

operator_counties as (
    select * from {{ ref('int_operator_counties') }}
),

batch_operations as (
    select
        log_id,
        user_id,
        op_code,
        op_batch_id,
        operated_at,
        row_number() over (partition by op_batch_id order by operated_at, log_id) as op_order
    from operations
    where op_batch_id is not null
),

batch_counts as (
    select
        op_batch_id,
        count(*) as operation_count,
        sum(case when op_code in ('STATUS_RESUME', 'AMOUNT_ADJUST', 'BACKPAY') then 1 else 0 end)
            as high_risk_operation_count,
        sum(case when op_code = 'STATUS_RESUME' then 1 else 0 end) as status_resume_count,
        sum(case when op_code = 'AMOUNT_ADJUST' then 1 else 0 end) as amount_adjust_count,
        sum(case when op_code = 'BACKPAY' then 1 else 0 end) as backpay_count,
        max(operated_at) as batch_end
    from batch_operations
    group by op_batch_id
),

first_operations as (
    select
        batch_operations.op_batch_id,
        batch_operations.log_id as first_log_id,
        batch_operations.user_id,
        batch_operations.operated_at as batch_start,
        {{ day_of('batch_operations.operated_at') }} as batch_start_day,
        coalesce(
            work_calendar.day_type,
            case when {{ is_weekday(day_of('batch_operations.operated_at')) }} then '工作日' else '周末' end
        ) as batch_start_day_type,
        work_calendar.holiday_name as batch_start_holiday_name,
        {{ is_working_time('batch_operations.operated_at', 'work_calendar.is_working_day') }}
            as batch_start_is_working_time
    from batch_operations
    left join work_calendar
        on {{ day_of('batch_operations.operated_at') }} = work_calendar.calendar_date
    where batch_operations.op_order = 1
),

final as (
    select
        first_operations.op_batch_id,
        first_operations.batch_start,
        batch_counts.batch_end,
        first_operations.batch_start_day,
        first_operations.batch_start_day_type,
        first_operations.batch_start_holiday_name,
        first_operations.batch_start_is_working_time,
        batch_counts.operation_count,
        batch_counts.high_risk_operation_count,
        batch_counts.status_resume_count,
        batch_counts.amount_adjust_count,
        batch_counts.backpay_count,
        first_operations.first_log_id,
        first_operations.user_id,
        operator_counties.county_code
    from first_operations
    inner join batch_counts
        on first_operations.op_batch_id = batch_counts.op_batch_id
    left join operator_counties
        on first_operations.user_id = operator_counties.user_id
)

select * from final
