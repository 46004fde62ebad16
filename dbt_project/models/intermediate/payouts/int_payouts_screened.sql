{#
  待遇发放明细 in scope of the payout-based rules: current payouts with
  pay_month >= screen_from ("2019年以来") whose person and benefit are both known.
  Payouts of unknown persons or benefits are data-quality exceptions (reported
  elsewhere) and take part in no rule (RULES.md). All pay statuses are kept;
  is_paid marks the ones that moved money (pay_status 1).
#}
with payouts as (
    select * from {{ ref('int_payouts_current') }}
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
        {{ months_inclusive('period_from', 'period_to') }} as covered_month_count
    from known_payouts
)

select * from final
