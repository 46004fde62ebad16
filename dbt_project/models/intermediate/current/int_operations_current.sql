{# 经办系统操作日志: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref('stg_landing__operations') }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

versioned as (
    select
        staged.*,
        {{ latest_batch_of('log_id') }} as latest_batch_id
    from staged
),

final as (
    select log_id,
        user_id,
        op_code,
        person_id,
        target_id,
        op_batch_id,
        operated_at,
        reviewer_id,
        client_ip,
        _batch_id,
        _file,
        _row_number
    from versioned
    where _batch_id = latest_batch_id
)

select * from final
