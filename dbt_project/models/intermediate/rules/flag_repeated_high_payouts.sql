{#
  R05 一年内2次以上较高发放: a month is "high" when T(m) > max(r05_multiple x M,
  floor of the person's scheme) (floors 170: 1000, 110: 8000, 120: 12000; dbt vars).
  Flagged when r05_min_high_months (2) high months lie within r05_window_months (12)
  consecutive months (later - earlier <= 11). Amount: sum of T(m) over ALL the
  person's high months (not only those of the window).
  A qualifying window can always be slid to start at its earliest high month, so
  windows starting at each high month are enough.
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
        high_floor,
        case
            when {{ var('r05_multiple') }} * approved_monthly_amount > high_floor
                then {{ var('r05_multiple') }} * approved_monthly_amount
            else high_floor
        end as threshold
    from approved
),

high_months as (
    select
        month_totals.person_id,
        month_totals.pay_month,
        {{ month_index('month_totals.pay_month') }} as month_number,
        month_totals.month_total,
        month_totals.payout_count
    from month_totals
    inner join thresholds on month_totals.person_id = thresholds.person_id
    where month_totals.month_total > thresholds.threshold
),

windows as (
    select
        window_start.person_id,
        window_start.pay_month as window_start_month,
        count(*) as high_months_in_window
    from high_months as window_start
    inner join high_months as inside
        on inside.person_id = window_start.person_id
        and inside.month_number >= window_start.month_number
        and inside.month_number <= window_start.month_number + {{ var('r05_window_months') }} - 1
    group by window_start.person_id, window_start.pay_month
),

flagged_persons as (
    select
        person_id,
        min(window_start_month) as first_window_start
    from windows
    where high_months_in_window >= {{ var('r05_min_high_months') }}
    group by person_id
),

-- the accounts the high months' payouts went to (for the explanation)
high_month_accounts as (
    select
        person_id,
        {{ json_array_agg(json_scalar('account_no'), 'account_no') }} as accounts
    from (
        select distinct paid_payouts.person_id, paid_payouts.account_no
        from {{ ref('int_payouts_screened') }} as paid_payouts
        inner join high_months
            on paid_payouts.person_id = high_months.person_id
            and paid_payouts.pay_month = high_months.pay_month
        where paid_payouts.is_paid
    ) as distinct_accounts
    group by person_id
),

per_person as (
    select
        high_months.person_id,
        count(*) as high_month_count,
        sum(high_months.month_total) as high_total,
        {{ json_array_agg(
            json_obj([
                ('pay_month', format_month('high_months.pay_month')),
                ('month_total', 'high_months.month_total'),
                ('paid_payouts', 'high_months.payout_count')
            ]),
            'high_months.pay_month'
        ) }} as months
    from high_months
    inner join flagged_persons on high_months.person_id = flagged_persons.person_id
    group by high_months.person_id
),

final as (
    select
        'R05' as rule_code,
        'person_id' as subject_type,
        per_person.person_id as subject_id,
        per_person.person_id,
        persons.county_code,
        {{ to_yuan('per_person.high_total') }} as amount,
        {{ json_obj_nested([
            ('person_id', 'per_person.person_id'),
            ('name', 'persons.name'),
            ('scheme_code', 'thresholds.scheme_code'),
            ('approved_monthly_amount', 'thresholds.approved_monthly_amount'),
            ('multiple', var('r05_multiple')),
            ('floor', 'thresholds.high_floor'),
            ('threshold', 'thresholds.threshold'),
            ('first_window_start', format_month('flagged_persons.first_window_start')),
            ('window_months', var('r05_window_months')),
            ('min_high_months', var('r05_min_high_months')),
            ('high_month_count', 'per_person.high_month_count'),
            ('high_months', 'per_person.months', 'json'),
            ('accounts', 'high_month_accounts.accounts', 'json')
        ]) }} as evidence
    from per_person
    inner join flagged_persons on per_person.person_id = flagged_persons.person_id
    inner join thresholds on per_person.person_id = thresholds.person_id
    inner join persons on per_person.person_id = persons.person_id
    left join high_month_accounts on per_person.person_id = high_month_accounts.person_id
)

select * from final
