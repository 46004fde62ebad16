{# 待遇发放明细: increment file — the latest row per key (a later batch's row is a correction). #}
with staged as (
    select * from {{ ref('stg_landing__payouts') }}
),

ranked as (
    select
        staged.*,
        row_number() over (partition by payout_id order by _batch_id desc) as version_rank
    from staged
),

final as (
    select payout_id,
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
        _batch_id,
        _file,
        _row_number
    from ranked
    where version_rank = 1
)

select * from final
