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

per_person as (
    select
        person_id,
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
            ('flagged_months', 'per_person.months', 'json')
        ]) }} as evidence
    from per_person
    inner join thresholds on per_person.person_id = thresholds.person_id
    inner join persons on per_person.person_id = persons.person_id
)

select * from final
