{# 支出户银行对账 (reconciliations.csv): the staged rows of accepted batch versions — typed, renamed, ids normalized; lineage kept. #}
with base as (
    select * from {{ ref('base_landing__reconciliations') }}
),

usable as (
    select batch_id, batch_version from {{ ref('stg_landing__batches') }}
    where status = 'accepted'
),

final as (
    select
        recon_id,
        county_code,
        bank_account,
        month,
        book_balance,
        bank_balance,
        prepared_by,
        reviewed_by,
        base._batch_id,
        base._file,
        base._row_number
    from base
    inner join usable
        on base._batch_id = usable.batch_id and base._batch_version = usable.batch_version
    where base._reject_reason is null
)

select * from final
