{#
  待遇发放明细 in scope of the payout-based rules: current payouts with
  pay_month >= screen_from ("2019年以来") whose person and benefit are both known.
  Payouts of unknown persons or benefits are data-quality exceptions (reported
  elsewhere) and take part in no rule (RULES.md). All pay statuses are kept;
  is_paid marks the ones that moved money (pay_status 1).
  The two payout-level faults of the payout-batch rules are stated here, once
  (every model about them reads these columns):
    - is_unreviewed (R09 待遇发放未经审核或自审自批): reviewed_by is null or equals
      created_by;
    - is_manual_bank_file (R14 社银人工报盘): channel '2' (人工报盘).

  Kept from the previous build (macros/current_state.sql): a nightly build replaces only the
  payouts the new batch changes instead of rewriting all 28 M rows of 1,000,000 persons.
#}
{{ kept_from_previous_build('screened_payouts_forgotten()', reads=replaced_payout_ids_reads()) }}
with payouts as (
    {%- if current_state_path() %}
    select * from (
        {{ latest_rows('stg_landing__payouts', 'payout_id', only_batches=kept_batches().new) | indent(8) }}
    ) as delivered_anew
    union all
    select * from (
        {{ latest_rows('stg_landing__payouts', 'payout_id', of_keys=newly_known_payout_ids()) | indent(8) }}
    ) as newly_known
    {%- else %}
    select * from {{ ref('int_payouts_current') }}
    {%- endif %}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

benefits as (
    select * from {{ ref('int_benefits_current') }}
),

known_payouts as (
    select payouts.*
    from payouts
    where payouts.pay_month >= cast('{{ var("screen_from") }}' as date)
      and exists (select 1 from persons where persons.person_id = payouts.person_id)
      and exists (select 1 from benefits where benefits.benefit_id = payouts.benefit_id)
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
        pay_status = '1' as is_paid,
        coalesce(reviewed_by is null or reviewed_by = created_by, false) as is_unreviewed,
        coalesce(channel = '2', false) as is_manual_bank_file,
        {{ months_inclusive('period_from', 'period_to') }} as covered_month_count
    from known_payouts
)

select * from final
