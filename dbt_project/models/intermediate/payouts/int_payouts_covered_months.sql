{#
  One row per paid payout (of int_payouts_screened) x covered month: every month
  from period_from to period_to inclusive, with the per-month amount
  (amount / number of covered months, unrounded, for evidence; rule amounts use payout_share: amount x k / n once per payout, exact decimals).
  The expansion is the macro paid_covered_months (macros/rules_payouts.sql), which R01, R10 and
  R27 apply to the few payouts they look at; this view gives analysts every paid payout's months.
#}
{#
  A view: 36 M rows at 1,000,000 persons, and no model reads it.
#}
{{ config(materialized='view') }}
with final as (
    {{ paid_covered_months() }}
)

select * from final
