{# 支出户银行对账: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref('stg_landing__reconciliations') }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

ranked as (
    select
        staged.*,
        row_number() over (partition by recon_id order by _batch_id desc) as version_rank
    from staged
),

final as (
    select recon_id,
        county_code,
        bank_account,
        month,
        book_balance,
        bank_balance,
        prepared_by,
        reviewed_by,
        _batch_id,
        _file,
        _row_number
    from ranked
    where version_rank = 1
)

select * from final
