{# 待遇资格认证: increment file — the latest row per key (a later batch's row is a correction). #}
with staged as (
    select * from {{ ref('stg_landing__certifications') }}
),

ranked as (
    select
        staged.*,
        row_number() over (partition by cert_id order by _batch_id desc) as version_rank
    from staged
),

final as (
    select cert_id,
        person_id,
        certified_on,
        method,
        result,
        operator_id,
        reviewer_id,
        _batch_id,
        _file,
        _row_number
    from ranked
    where version_rank = 1
)

select * from final
