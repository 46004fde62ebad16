{# 经办系统操作日志: increment file — the latest row per key (a later batch's row is a correction). #}
with staged as (
    select * from {{ ref('stg_landing__operations') }}
),

ranked as (
    select
        staged.*,
        row_number() over (partition by log_id order by _batch_id desc) as version_rank
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
    from ranked
    where version_rank = 1
)

select * from final
