{# 待遇发放明细 (payouts.csv): the staged rows of accepted batch versions — typed, renamed, ids normalized; lineage kept. #}
with base as (
    select * from {{ ref('base_landing__payouts') }}
),

usable as (
    select batch_id, batch_version from {{ ref('stg_landing__batches') }}
    where status = 'accepted'
),

final as (
    select
        payout_id,
        benefit_id,
        person_id,
        period_from,
        period_to,
        pay_month,
        payout_type,
        amount,
        account_no,
        bank_code,
        channel,
        payout_batch_id,
        pay_status,
        created_by,
        reviewed_by,
        paid_on,
        base._batch_id,
        base._file,
        base._row_number
    from base
    inner join usable
        on base._batch_id = usable.batch_id and base._batch_version = usable.batch_version
    where base._reject_reason is null
)

select * from final
