{#
  R10 服刑期间领取待遇: an incarceration record with sentence_type 1 (收监执行)
  matches the person on the normalized id (probation, parole and medical parole do
  not count), and a paid payout covers a month m with start month < m <= end month
  (end month = month of end_date, or of as_of while still serving).
  Amount: the per-month amounts of those covered months (each covered month of a
  payout counted once even when several records overlap).
#}
with incarcerations as (
    select * from {{ ref('int_incarcerations_current') }}
    where sentence_type = '1' and nid is not null and start_date is not null
),

persons as (
    select * from {{ ref('int_persons_current') }}
    where nid is not null
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

terms as (
    select
        persons.person_id,
        incarcerations.record_id,
        incarcerations.nid,
        incarcerations.start_date,
        incarcerations.end_date,
        {{ month_start('incarcerations.start_date') }} as start_month,
        {{ month_start('coalesce(incarcerations.end_date, as_of.as_of)') }} as end_month
    from incarcerations
    inner join persons on incarcerations.nid = persons.nid
    cross join as_of
),

-- the covered months of the paid payouts of persons with a prison term only
covered_months as (
    {{ paid_covered_months(of_persons='select terms.person_id from terms') }}
),

months_in_prison as (
    select distinct
        covered_months.person_id,
        covered_months.payout_id,
        covered_months.pay_month,
        covered_months.account_no,
        covered_months.amount,
        covered_months.covered_month_count,
        covered_months.covered_month
    from covered_months
    inner join terms
        on covered_months.person_id = terms.person_id
        and covered_months.covered_month > terms.start_month
        and covered_months.covered_month <= terms.end_month
),

per_payout as (
    select
        person_id,
        payout_id,
        pay_month,
        account_no,
        count(*) as month_count,
        {{ payout_share('amount', 'count(*)', 'covered_month_count') }} as amount_in_prison
    from months_in_prison
    group by person_id, payout_id, pay_month, account_no, amount, covered_month_count
),

per_person_amount as (
    select
        person_id,
        sum(amount_in_prison) as amount_in_prison
    from per_payout
    group by person_id
),

per_person_months as (
    select
        person_id,
        min(covered_month) as first_month,
        max(covered_month) as last_month,
        count(*) as month_count,
        {{ json_array_agg(json_scalar(format_month('covered_month')), 'covered_month') }} as months
    from (select distinct person_id, covered_month from months_in_prison) as distinct_months
    group by person_id
),

-- the accounts the money went to (for the explanation)
per_person_accounts as (
    select
        person_id,
        {{ json_array_agg(json_scalar('account_no'), 'account_no') }} as accounts
    from (select distinct person_id, account_no from months_in_prison) as distinct_accounts
    group by person_id
),

per_person_payouts as (
    select
        person_id,
        {{ json_array_agg(
            json_obj([
                ('payout_id', 'payout_id'),
                ('pay_month', format_month('pay_month')),
                ('account_no', 'account_no'),
                ('months_in_prison', 'month_count'),
                ('amount_in_prison', to_yuan('amount_in_prison'))
            ]),
            ['pay_month', 'payout_id']
        ) }} as payouts
    from per_payout
    group by person_id
),

per_person_terms as (
    select
        person_id,
        {{ json_array_agg(
            json_obj([
                ('record_id', 'record_id'),
                ('sentence_type', "'1'"),
                ('start_date', 'start_date'),
                ('end_date', 'end_date'),
                ('still_serving', 'end_date is null')
            ]),
            ['start_date', 'record_id']
        ) }} as records
    from terms
    where person_id in (select person_id from months_in_prison)
    group by person_id
),

final as (
    select
        'R10' as rule_code,
        'person_id' as subject_type,
        per_person_amount.person_id as subject_id,
        per_person_amount.person_id,
        persons.county_code,
        {{ to_yuan('per_person_amount.amount_in_prison') }} as amount,
        {{ json_obj_nested([
            ('person_id', 'per_person_amount.person_id'),
            ('name', 'persons.name'),
            ('id_number', 'persons.nid'),
            ('incarceration_records', 'per_person_terms.records', 'json'),
            ('months_paid_in_prison', 'per_person_months.months', 'json'),
            ('first_month_in_prison', format_month('per_person_months.first_month')),
            ('last_month_in_prison', format_month('per_person_months.last_month')),
            ('month_count_in_prison', 'per_person_months.month_count'),
            ('accounts', 'per_person_accounts.accounts', 'json'),
            ('payouts', 'per_person_payouts.payouts', 'json')
        ]) }} as evidence
    from per_person_amount
    inner join persons on per_person_amount.person_id = persons.person_id
    inner join per_person_months on per_person_amount.person_id = per_person_months.person_id
    inner join per_person_payouts on per_person_amount.person_id = per_person_payouts.person_id
    inner join per_person_terms on per_person_amount.person_id = per_person_terms.person_id
    inner join per_person_accounts on per_person_amount.person_id = per_person_accounts.person_id
)

select * from final
