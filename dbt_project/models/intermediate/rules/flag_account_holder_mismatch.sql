{#
  R28 发放账户户名与领取人不一致: a paid payout (pay_month >= screen_from) goes to an
  account (registered in bank_accounts) whose holder_id_number is present and
  differs from the person's normalized id, or is null and whose holder_name differs
  from the person's name. A present holder id that fails the check differs from
  everyone (also from a person whose own id fails it). Accounts absent from
  bank_accounts are not compared (no holder). Amount: those payouts.
#}
with paid_accounts as (
    select * from {{ ref('int_paid_payout_accounts') }}
),

bank_accounts as (
    select * from {{ ref('int_bank_accounts_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

-- per person and account paid into, not per payout: whether they mismatch depends on the two alone
compared as (
    select
        paid_accounts.person_id,
        paid_accounts.account_no,
        paid_accounts.paid_payout_count,
        paid_accounts.paid_amount,
        paid_accounts.first_pay_month,
        paid_accounts.last_pay_month,
        bank_accounts.holder_name,
        bank_accounts.holder_id_number,
        bank_accounts.holder_nid,
        persons.nid as person_nid,
        persons.name as person_name,
        case
            when bank_accounts.holder_id_number is not null then
                case
                    when bank_accounts.holder_nid is null then 'holder id fails its check'
                    when persons.nid is null or persons.nid <> bank_accounts.holder_nid then 'holder id differs'
                end
            when coalesce(trim(bank_accounts.holder_name), '') <> coalesce(trim(persons.name), '')
                then 'holder name differs (no holder id)'
        end as mismatch
    from paid_accounts
    inner join bank_accounts on paid_accounts.account_no = bank_accounts.account_no
    inner join persons on paid_accounts.person_id = persons.person_id
),

mismatched as (
    select * from compared where mismatch is not null
),

per_account as (
    select
        person_id,
        account_no,
        holder_name,
        holder_id_number,
        mismatch,
        sum(paid_payout_count) as payout_count,
        sum(paid_amount) as account_amount,
        min(first_pay_month) as first_pay_month,
        max(last_pay_month) as last_pay_month
    from mismatched
    group by person_id, account_no, holder_name, holder_id_number, mismatch
),

per_person as (
    select
        person_id,
        sum(account_amount) as mismatch_total,
        sum(payout_count) as payout_count,
        {{ json_array_agg(
            json_obj([
                ('account_no', 'account_no'),
                ('holder_name', 'holder_name'),
                ('holder_id_number', 'holder_id_number'),
                ('mismatch', 'mismatch'),
                ('paid_payouts', 'payout_count'),
                ('amount', 'account_amount'),
                ('first_pay_month', format_month('first_pay_month')),
                ('last_pay_month', format_month('last_pay_month'))
            ]),
            'account_no'
        ) }} as accounts
    from per_account
    group by person_id
),

final as (
    select
        'R28' as rule_code,
        'person_id' as subject_type,
        per_person.person_id as subject_id,
        per_person.person_id,
        persons.county_code,
        {{ to_yuan('per_person.mismatch_total') }} as amount,
        {{ json_obj_nested([
            ('person_id', 'per_person.person_id'),
            ('name', 'persons.name'),
            ('id_number', 'coalesce(persons.nid, persons.id_number)'),
            ('paid_payouts', 'per_person.payout_count'),
            ('accounts', 'per_person.accounts', 'json')
        ]) }} as evidence
    from per_person
    inner join persons on per_person.person_id = persons.person_id
)

select * from final
