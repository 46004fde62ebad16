{# 经办系统操作日志 (operations.csv): the staged rows of accepted batch versions — typed, renamed, ids normalized; lineage kept. #}
with base as (
    select * from {{ ref('base_landing__operations') }}
),

usable as (
    select batch_id, batch_version from {{ ref('stg_landing__batches') }}
    where status = 'accepted'
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
        base._batch_id,
        base._file,
        base._row_number
    from base
    inner join usable
        on base._batch_id = usable.batch_id and base._batch_version = usable.batch_version
    where base._reject_reason is null
)

select * from final
