{# 待遇状态变更: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref('stg_landing__status_changes') }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

versioned as (
    select
        staged.*,
        {{ latest_batch_of('change_id') }} as latest_batch_id
    from staged
),

final as (
    select change_id,
        benefit_id,
        person_id,
        from_status,
        to_status,
        reason_code,
        operator_id,
        reviewer_id,
        operated_at,
        op_batch_id,
        _batch_id,
        _file,
        _row_number
    from versioned
    where _batch_id = latest_batch_id
)

select * from final
