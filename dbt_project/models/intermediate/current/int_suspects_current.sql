{# 部省下发疑点数据: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref('stg_landing__suspects') }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

versioned as (
    select
        staged.*,
        {{ latest_batch_of('suspect_id') }} as latest_batch_id
    from staged
),

final as (
    select suspect_id,
        issuer,
        issued_on,
        suspect_type,
        id_number,
        nid,
        id_valid,
        name,
        county_code,
        description,
        _batch_id,
        _file,
        _row_number
    from versioned
    where _batch_id = latest_batch_id
)

select * from final
