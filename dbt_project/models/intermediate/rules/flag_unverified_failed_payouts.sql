{#
  R11 发放不成功业务未核实: a payout with pay_status 2 (支付失败) and
  paid_on <= as_of - r11_days days, for which
  - no paid payout of type 1 or 2 of the same benefit with a strictly later paid_on
    covers all its months (period_from..period_to), and
  - no status change of that benefit was operated on or after the paid_on day.
  Amount: the failed amount. Subject: the payout_id.
#}
with payouts as (
    select * from {{ ref('int_payouts_screened') }}
),

status_changes as (
    select * from {{ ref('int_status_changes_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

old_failed as (
    select payouts.*
    from payouts
    cross join as_of
    where payouts.pay_status = '2'
      and payouts.paid_on <= {{ add_days('as_of.as_of', -var('r11_days')) }}
),

-- the paid payouts that could settle one: of a benefit with an old failed payout. Read from the
-- model itself, not the payouts CTE: a CTE read twice is materialized whole (26 M rows, 6 GB
-- spilled at 1,000,000 persons), and old_failed narrows the look-up to a few benefits first.
repayments as (
    select
        repaid.benefit_id,
        repaid.paid_on,
        repaid.period_from,
        repaid.period_to
    from {{ ref('int_payouts_screened') }} as repaid
    where repaid.is_paid
      and repaid.payout_type in ('1', '2')
      and repaid.benefit_id in (select old_failed.benefit_id from old_failed)
),

unresolved as (
    select old_failed.*
    from old_failed
    where not exists (
        select 1
        from repayments as repaid
        where repaid.benefit_id = old_failed.benefit_id
          and repaid.paid_on > old_failed.paid_on
          and repaid.period_from <= old_failed.period_from
          and repaid.period_to >= old_failed.period_to
    )
    and not exists (
        select 1
        from status_changes
        where status_changes.benefit_id = old_failed.benefit_id
          and cast(status_changes.operated_at as date) >= old_failed.paid_on
    )
),

final as (
    select
        'R11' as rule_code,
        'payout_id' as subject_type,
        unresolved.payout_id as subject_id,
        unresolved.person_id,
        persons.county_code,
        {{ to_yuan('unresolved.amount') }} as amount,
        {{ json_obj_nested([
            ('payout_id', 'unresolved.payout_id'),
            ('benefit_id', 'unresolved.benefit_id'),
            ('person_id', 'unresolved.person_id'),
            ('name', 'persons.name'),
            ('payout_type', 'unresolved.payout_type'),
            ('pay_month', format_month('unresolved.pay_month')),
            ('period_from', format_month('unresolved.period_from')),
            ('period_to', format_month('unresolved.period_to')),
            ('account_no', 'unresolved.account_no'),
            ('pay_status', 'unresolved.pay_status'),
            ('paid_on', 'unresolved.paid_on'),
            ('days_since_failure', dbt.datediff('unresolved.paid_on', 'as_of.as_of', 'day')),
            ('failed_amount', 'unresolved.amount'),
            ('later_covering_paid_payout', 'false'),
            ('status_change_since_failure', 'false')
        ]) }} as evidence
    from unresolved
    inner join persons on unresolved.person_id = persons.person_id
    cross join as_of
)

select * from final
