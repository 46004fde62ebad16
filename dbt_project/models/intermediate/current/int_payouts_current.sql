{#
  待遇发放明细: increment file — the latest row per key among the usable batches (a later batch's
  row is a correction). A view: int_payouts_screened is its only reader, so the latest rows are
  chosen while that table is written, and the payouts are not copied once more (1 M persons:
  one 28 M-row table less, 35 s less per build; docs/PERFORMANCE.md). The key's uniqueness is
  tested on int_payouts_screened, the table every payout rule reads.
#}
{{ config(materialized='view') }}
{{ latest_rows('stg_landing__payouts', 'payout_id') }}
