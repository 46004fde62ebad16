-- Every operation with its calendar day and whether it happened in working time
-- (RULES.md): an official working day of the work_calendar seed (调休 working days
-- count, statutory holidays are off) and local time in [08:00, 18:00).
-- A day outside the seed falls back to Monday–Friday.
-- A view: no model reads it (int_operation_batches computes the working time of the batches'
-- first operations itself); writing all 2.6 M operations of 1,000,000 persons took 2.9 s a build.
{{ config(materialized='view') }}
with

operations as (
    select * from {{ ref('int_operations_current') }}
),

work_calendar as (
    select * from {{ ref('work_calendar') }}
),

operation_days as (
    select
        log_id,
        user_id,
        op_code,
        person_id,
        target_id,
        op_batch_id,
        operated_at,
        reviewer_id,
        {{ day_of('operated_at') }} as operated_on
    from operations
),

final as (
    select
        operation_days.log_id,
        operation_days.user_id,
        operation_days.op_code,
        operation_days.person_id,
        operation_days.target_id,
        operation_days.op_batch_id,
        operation_days.operated_at,
        operation_days.reviewer_id,
        operation_days.operated_on,
        coalesce(work_calendar.is_working_day, {{ is_weekday('operation_days.operated_on') }}) as is_working_day,
        coalesce(
            work_calendar.day_type,
            case when {{ is_weekday('operation_days.operated_on') }} then '工作日' else '周末' end
        ) as day_type,
        work_calendar.holiday_name,
        {{ is_working_time('operation_days.operated_at', 'work_calendar.is_working_day') }} as is_working_time
    from operation_days
    left join work_calendar
        on operation_days.operated_on = work_calendar.calendar_date
)

select * from final
