{# 死亡信息: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref('stg_landing__deaths') }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

versioned as (
    select
        staged.*,
        {{ latest_batch_of('death_id') }} as latest_batch_id
    from staged
),

final as (
    select death_id,
        id_number,
        nid,
        id_valid,
        name,
        death_date,
        source,
        received_on,
        _batch_id,
        _file,
        _row_number
    from versioned
    where _batch_id = latest_batch_id
)

select * from final
