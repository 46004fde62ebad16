{#
  Person-month total T(m): sum of amount of the person's paid payouts with
  pay_month = m (pay_month >= screen_from, known persons and benefits).
  Adjustments (调整补差, type 3) count with their sign.
  Kept from the previous build (macros/current_state.sql): a build sums again only the months
  whose payouts changed (a nightly batch: its new month and the few its corrections touch).
#}
{{ kept_from_previous_build('month_totals_forgotten()', reads=replaced_payout_ids_reads()) }}
with paid_payouts as (
    select * from {{ ref('int_payouts_screened') }}
    where is_paid
    {%- if current_state_path() %}
      -- every month the table does not hold after its pre-hook forgot the changed ones
      -- (month_totals_forgotten): those, and the new batches' new months. Not the list of changed
      -- months again: finding it reads every staged payout (4 s at 1,000,000 persons)
      and pay_month not in (select distinct kept.pay_month from {{ this }} as kept)
    {%- endif %}
),

final as (
    select
        person_id,
        pay_month,
        sum(amount) as month_total,
        count(*) as payout_count
    from paid_payouts
    group by person_id, pay_month
)

select * from final
