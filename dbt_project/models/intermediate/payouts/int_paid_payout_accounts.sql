{#
  The paid payouts (int_payouts_screened, pay_status 1) summed per person, benefit and account
  paid into: 28 M payouts to about one row per benefit at 1,000,000 persons. The rules and
  links that look at who was paid into which account read this instead of every payout
  (R28 flag_account_holder_mismatch, int_account_links, R27 flag_duplicate_receipt).
#}
with paid_payouts as (
    select * from {{ ref('int_payouts_screened') }}
    where is_paid
),

final as (
    select
        person_id,
        benefit_id,
        account_no,
        count(*) as paid_payout_count,
        sum(amount) as paid_amount,
        min(pay_month) as first_pay_month,
        max(pay_month) as last_pay_month
    from paid_payouts
    group by person_id, benefit_id, account_no
)

select * from final
