{# 部省下发疑点数据: increment file — the latest row per key (a later batch's row is a correction). #}
with staged as (
    select * from {{ ref('stg_landing__suspects') }}
),

ranked as (
    select
        staged.*,
        row_number() over (partition by suspect_id order by _batch_id desc) as version_rank
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
    from ranked
    where version_rank = 1
)

select * from final
