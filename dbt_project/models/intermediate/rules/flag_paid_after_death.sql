{#
  R01 死亡后仍发放待遇: a paid payout covers a month after the person's death month
  (the death month itself is not flagged). Amount: the per-month amounts of the
  covered months after the death month.
#}
with deaths as (
    select * from {{ ref('int_persons_deaths_matched') }}
),

-- the covered months of the paid payouts of the deceased only
covered_months as (
    {{ paid_covered_months(of_persons='select deaths.person_id from deaths') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

months_after_death as (
    select
        covered_months.person_id,
        covered_months.payout_id,
        covered_months.payout_type,
        covered_months.pay_month,
        covered_months.period_from,
        covered_months.period_to,
        covered_months.account_no,
        covered_months.amount,
        covered_months.covered_month_count,
        covered_months.covered_month,
        covered_months.per_month_amount
    from covered_months
    inner join deaths on covered_months.person_id = deaths.person_id
    where covered_months.covered_month > deaths.death_month
),

per_payout as (
    select
        person_id,
        payout_id,
        payout_type,
        pay_month,
        period_from,
        period_to,
        account_no,
        amount,
        count(*) as months_after_death,
        {{ payout_share('amount', 'count(*)', 'covered_month_count') }} as amount_after_death
    from months_after_death
    group by person_id, payout_id, payout_type, pay_month, period_from, period_to, account_no, amount, covered_month_count
),

per_person as (
    select
        person_id,
        sum(amount_after_death) as amount_after_death,
        {{ json_array_agg(
            json_obj([
                ('payout_id', 'payout_id'),
                ('payout_type', 'payout_type'),
                ('pay_month', format_month('pay_month')),
                ('period_from', format_month('period_from')),
                ('period_to', format_month('period_to')),
                ('account_no', 'account_no'),
                ('amount', 'amount'),
                ('months_after_death', 'months_after_death'),
                ('amount_after_death', to_yuan('amount_after_death'))
            ]),
            ['pay_month', 'payout_id']
        ) }} as payouts
    from per_payout
    group by person_id
),

month_list as (
    select
        person_id,
        min(covered_month) as first_month,
        max(covered_month) as last_month,
        count(*) as month_count,
        {{ json_array_agg(json_scalar(format_month('covered_month')), 'covered_month') }} as months
    from (select distinct person_id, covered_month from months_after_death) as distinct_months
    group by person_id
),

-- the accounts the money after death went to (for the explanation: 尾号…的账户)
account_list as (
    select
        person_id,
        {{ json_array_agg(json_scalar('account_no'), 'account_no') }} as accounts
    from (select distinct person_id, account_no from months_after_death) as distinct_accounts
    group by person_id
),

final as (
    select
        'R01' as rule_code,
        'person_id' as subject_type,
        per_person.person_id as subject_id,
        per_person.person_id,
        persons.county_code,
        {{ to_yuan('per_person.amount_after_death') }} as amount,
        {{ json_obj_nested([
            ('person_id', 'per_person.person_id'),
            ('name', 'persons.name'),
            ('id_number', 'deaths.nid'),
            ('death_date', 'deaths.death_date'),
            ('death_month', format_month('deaths.death_month')),
            ('death_records', 'deaths.sources', 'json'),
            ('months_paid_after_death', 'month_list.months', 'json'),
            ('first_month_after_death', format_month('month_list.first_month')),
            ('last_month_after_death', format_month('month_list.last_month')),
            ('month_count_after_death', 'month_list.month_count'),
            ('accounts', 'account_list.accounts', 'json'),
            ('payouts', 'per_person.payouts', 'json')
        ]) }} as evidence
    from per_person
    inner join deaths on per_person.person_id = deaths.person_id
    inner join month_list on per_person.person_id = month_list.person_id
    inner join account_list on per_person.person_id = account_list.person_id
    inner join persons on per_person.person_id = persons.person_id
)

select * from final
