{# 支出户银行对账: increment file — the latest row per key (a later batch's row is a correction). #}
with staged as (
    select * from {{ ref('stg_landing__reconciliations') }}
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
