-- Operations batches (操作批次, R06): operations sharing a non-null batch_id.
-- The batch starts at the earliest operated_at of ALL its operations; the batch is
-- attributed to the user of that earliest operation (ties: smallest log_id) and
-- to that user's county (users.org_county_code, else the roster's 所在单位).
with

operations as (
    select * from {{ ref('int_operations_working_time') }}
),

operator_counties as (
    select * from {{ ref('int_operator_counties') }}
),

batch_operations as (
    select
        *,
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
        op_batch_id,
        log_id as first_log_id,
        user_id,
        operated_at as batch_start,
        operated_on as batch_start_day,
        day_type as batch_start_day_type,
        holiday_name as batch_start_holiday_name,
        is_working_time as batch_start_is_working_time
    from batch_operations
    where op_order = 1
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
