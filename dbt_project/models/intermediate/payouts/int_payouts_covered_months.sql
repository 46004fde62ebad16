{#
  One row per paid payout (of int_payouts_screened) x covered month: every month
  from period_from to period_to inclusive, with the per-month amount
  (amount / number of covered months, unrounded, for evidence; rule amounts use payout_share: amount x k / n once per payout, exact decimals).
#}
{#
  A view: expanding a payout into its months costs less than writing 36 M rows (1 M persons) and
  reading them back; R27 expands only the ids paid under several benefits, R01 and R10 join it
  to the deceased and the imprisoned.
#}
{{ config(materialized='view') }}
with paid_payouts as (
    select * from {{ ref('int_payouts_screened') }}
    where is_paid
),

month_offsets as (
    select n from {{ integers_below_power_of_ten(3) }} as offsets
),

expanded as (
    select
        paid_payouts.payout_id,
        paid_payouts.benefit_id,
        paid_payouts.person_id,
        paid_payouts.account_no,
        paid_payouts.payout_type,
        paid_payouts.pay_month,
        paid_payouts.period_from,
        paid_payouts.period_to,
        paid_payouts.paid_on,
        paid_payouts.amount,
        paid_payouts.covered_month_count,
        {{ add_months('paid_payouts.period_from', 'month_offsets.n') }} as covered_month,
        paid_payouts.amount / paid_payouts.covered_month_count as per_month_amount
    from paid_payouts
    inner join month_offsets
        on month_offsets.n < paid_payouts.covered_month_count
),

final as (
    select
        payout_id,
        benefit_id,
        person_id,
        account_no,
        payout_type,
        pay_month,
        period_from,
        period_to,
        paid_on,
        amount,
        covered_month_count,
        covered_month,
        per_month_amount
    from expanded
)

select * from final
