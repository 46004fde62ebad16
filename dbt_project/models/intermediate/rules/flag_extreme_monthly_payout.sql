{#
  R04 月发放金额超高: some month m has T(m) > max(r04_multiple x M, floor of the
  person's scheme) (floors 170: 3000, 110: 20000, 120: 30000; dbt vars).
  T(m) = the person's paid payouts with pay_month = m (int_person_month_totals);
  M and the scheme: int_persons_approved_amount. Amount: sum of T(m) over the
  flagged months.
#}
with month_totals as (
    select * from {{ ref('int_person_month_totals') }}
),

approved as (
    select * from {{ ref('int_persons_approved_amount') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

thresholds as (
    select
        person_id,
        approved_monthly_amount,
        scheme_code,
        extreme_floor,
        case
            when {{ var('r04_multiple') }} * approved_monthly_amount > extreme_floor
                then {{ var('r04_multiple') }} * approved_monthly_amount
            else extreme_floor
        end as threshold
    from approved
),

flagged_months as (
    select
        month_totals.person_id,
        month_totals.pay_month,
        month_totals.month_total,
        month_totals.payout_count
    from month_totals
    inner join thresholds on month_totals.person_id = thresholds.person_id
    where month_totals.month_total > thresholds.threshold
),

-- the largest paid payout of the flagged months (for the explanation: what made the month so high)
largest_payouts as (
    select
        paid_payouts.person_id,
        paid_payouts.payout_id,
        paid_payouts.payout_type,
        paid_payouts.pay_month,
        paid_payouts.period_from,
        paid_payouts.period_to,
        paid_payouts.amount,
        paid_payouts.account_no,
        row_number() over (
            partition by paid_payouts.person_id
            order by paid_payouts.amount desc, paid_payouts.payout_id
        ) as payout_rank
    from {{ ref('int_payouts_screened') }} as paid_payouts
    inner join flagged_months
        on paid_payouts.person_id = flagged_months.person_id
        and paid_payouts.pay_month = flagged_months.pay_month
    where paid_payouts.is_paid
),

per_person as (
    select
        person_id,
        count(*) as flagged_month_count,
        sum(month_total) as flagged_total,
        {{ json_array_agg(
            json_obj([
                ('pay_month', format_month('pay_month')),
                ('month_total', 'month_total'),
                ('paid_payouts', 'payout_count')
            ]),
            'pay_month'
        ) }} as months
    from flagged_months
    group by person_id
),

final as (
    select
        'R04' as rule_code,
        'person_id' as subject_type,
        per_person.person_id as subject_id,
        per_person.person_id,
        persons.county_code,
        {{ to_yuan('per_person.flagged_total') }} as amount,
        {{ json_obj_nested([
            ('person_id', 'per_person.person_id'),
            ('name', 'persons.name'),
            ('scheme_code', 'thresholds.scheme_code'),
            ('approved_monthly_amount', 'thresholds.approved_monthly_amount'),
            ('multiple', var('r04_multiple')),
            ('floor', 'thresholds.extreme_floor'),
            ('threshold', 'thresholds.threshold'),
            ('flagged_month_count', 'per_person.flagged_month_count'),
            ('flagged_months', 'per_person.months', 'json'),
            ('largest_payout_id', 'largest_payouts.payout_id'),
            ('largest_payout_type', 'largest_payouts.payout_type'),
            ('largest_payout_month', format_month('largest_payouts.pay_month')),
            ('largest_payout_period_from', format_month('largest_payouts.period_from')),
            ('largest_payout_period_to', format_month('largest_payouts.period_to')),
            ('largest_payout_amount', 'largest_payouts.amount'),
            ('largest_payout_account_no', 'largest_payouts.account_no')
        ]) }} as evidence
    from per_person
    inner join thresholds on per_person.person_id = thresholds.person_id
    left join largest_payouts
        on per_person.person_id = largest_payouts.person_id
        and largest_payouts.payout_rank = 1
    inner join persons on per_person.person_id = persons.person_id
)

select * from final
