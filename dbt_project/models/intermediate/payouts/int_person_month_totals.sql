{#
  Person-month total T(m): sum of amount of the person's paid payouts with
  pay_month = m (pay_month >= screen_from, known persons and benefits).
  Adjustments (调整补差, type 3) count with their sign.
  Kept from the previous build (macros/current_state.sql): a build sums again only the months
  whose payouts changed (a nightly batch: its new month and the few its corrections touch).
#}
{{ config(
    materialized=('incremental' if keeps_current_state() else 'table'),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_replaced_rows('pay_month in (' ~ month_literals(changed_pay_months()) ~ ')') }}",
    post_hook="{{ record_built_from() }}",
) }}
-- depends_on: {{ ref('stg_landing__payouts') }} {{ ref('stg_landing__persons') }} {{ ref('stg_landing__benefits') }} {{ ref('int_batches_usable') }}
with paid_payouts as (
    select * from {{ ref('int_payouts_screened') }}
    where is_paid
    {%- if current_state_path() %}
      and pay_month in ({{ month_literals(changed_pay_months()) }})
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
