{# 支出户银行对账: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref('stg_landing__reconciliations') }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

versioned as (
    select
        staged.*,
        {{ latest_batch_of('recon_id') }} as latest_batch_id
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
    from versioned
    where _batch_id = latest_batch_id
)

select * from final
