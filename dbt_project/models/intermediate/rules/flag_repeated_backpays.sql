{#
  R12 多次补发: >= r12_min_backpays paid back-pays (payout_type 2) whose pay_months
  lie within r12_window_months consecutive months. Amount: every back-pay that lies
  in some such window, each counted once. A qualifying window can always be slid
  to start at its earliest back-pay, so windows starting at each back-pay's
  pay_month are enough: a back-pay counts when some window [s, s + 11] holding
  >= 3 back-pays contains it.
#}
with paid_payouts as (
    select * from {{ ref('int_payouts_screened') }}
    where is_paid
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

backpays as (
    select
        payout_id,
        person_id,
        benefit_id,
        pay_month,
        {{ month_index('pay_month') }} as month_number,
        period_from,
        period_to,
        amount,
        account_no
    from paid_payouts
    where payout_type = '2'
),

windows as (
    select
        window_start.person_id,
        window_start.month_number as start_number,
        count(*) as backpays_in_window
    from (select distinct person_id, month_number from backpays) as window_start
    inner join backpays as inside
        on inside.person_id = window_start.person_id
        and inside.month_number >= window_start.month_number
        and inside.month_number <= window_start.month_number + {{ var('r12_window_months') }} - 1
    group by window_start.person_id, window_start.month_number
),

qualifying_windows as (
    select * from windows
    where backpays_in_window >= {{ var('r12_min_backpays') }}
),

backpays_in_windows as (
    select backpays.*
    from backpays
    where exists (
        select 1
        from qualifying_windows
        where qualifying_windows.person_id = backpays.person_id
          and backpays.month_number >= qualifying_windows.start_number
          and backpays.month_number <= qualifying_windows.start_number + {{ var('r12_window_months') }} - 1
    )
),

per_person as (
    select
        person_id,
        sum(amount) as backpay_total,
        count(*) as backpay_count,
        {{ json_array_agg(
            json_obj([
                ('payout_id', 'payout_id'),
                ('benefit_id', 'benefit_id'),
                ('pay_month', format_month('pay_month')),
                ('period_from', format_month('period_from')),
                ('period_to', format_month('period_to')),
                ('amount', 'amount')
            ]),
            ['pay_month', 'payout_id']
        ) }} as backpays
    from backpays_in_windows
    group by person_id
),

-- the accounts the back-pays went to (for the explanation)
per_person_accounts as (
    select
        person_id,
        {{ json_array_agg(json_scalar('account_no'), 'account_no') }} as accounts
    from (select distinct person_id, account_no from backpays_in_windows) as distinct_accounts
    group by person_id
),

final as (
    select
        'R12' as rule_code,
        'person_id' as subject_type,
        per_person.person_id as subject_id,
        per_person.person_id,
        persons.county_code,
        {{ to_yuan('per_person.backpay_total') }} as amount,
        {{ json_obj_nested([
            ('person_id', 'per_person.person_id'),
            ('name', 'persons.name'),
            ('window_months', var('r12_window_months')),
            ('min_backpays', var('r12_min_backpays')),
            ('backpays_in_windows', 'per_person.backpay_count'),
            ('backpays', 'per_person.backpays', 'json'),
            ('accounts', 'per_person_accounts.accounts', 'json')
        ]) }} as evidence
    from per_person
    inner join persons on per_person.person_id = persons.person_id
    inner join per_person_accounts on per_person.person_id = per_person_accounts.person_id
)

select * from final
