{# 死亡信息: increment file — the latest row per key (a later batch's row is a correction). #}
with staged as (
    select * from {{ ref('stg_landing__deaths') }}
),

ranked as (
    select
        staged.*,
        row_number() over (partition by death_id order by _batch_id desc) as version_rank
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
    from ranked
    where version_rank = 1
)

select * from final
