{# 服刑人员信息: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref('stg_landing__incarcerations') }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

ranked as (
    select
        staged.*,
        row_number() over (partition by record_id order by _batch_id desc) as version_rank
    from staged
),

final as (
    select record_id,
        id_number,
        nid,
        id_valid,
        name,
        sentence_type,
        start_date,
        end_date,
        _batch_id,
        _file,
        _row_number
    from ranked
    where version_rank = 1
)

select * from final
