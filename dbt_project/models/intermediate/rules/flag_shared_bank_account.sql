{#
  R07 多个待遇领取人员共用一个银行账号: the account is linked to >= r07_min_ids
  distinct normalized ids; links are paid payouts into it (pay_month >= screen_from)
  and the current account_no of benefits in status 1 (int_account_links,
  int_shared_accounts). Accounts absent from bank_accounts count too.
  Amount: paid payouts into the account. person_id is null: the subject is an
  account shared by several people (the linked persons are in the evidence).
#}
with shared_accounts as (
    select * from {{ ref('int_shared_accounts') }}
),

links as (
    select * from {{ ref('int_account_links') }}
),

bank_accounts as (
    select * from {{ ref('int_bank_accounts_current') }}
),

-- months and bank of the paid payouts into the account (for the explanation)
account_payouts as (
    select
        paid_payouts.account_no,
        min(paid_payouts.pay_month) as first_pay_month,
        max(paid_payouts.pay_month) as last_pay_month,
        max(paid_payouts.bank_code) as payout_bank_code
    from {{ ref('int_payouts_screened') }} as paid_payouts
    inner join shared_accounts on paid_payouts.account_no = shared_accounts.account_no
    where paid_payouts.is_paid
    group by paid_payouts.account_no
),

linked_persons as (
    select
        links.account_no,
        {{ json_array_agg(
            json_obj([
                ('person_id', 'links.person_id'),
                ('name', 'links.name'),
                ('id_number', 'coalesce(links.nid, links.id_number)'),
                ('id_valid', 'links.nid is not null'),
                ('county_code', 'links.county_code'),
                ('linked_by_paid_payout', 'links.linked_by_payout'),
                ('linked_by_active_benefit', 'links.linked_by_benefit'),
                ('paid_payouts', 'links.paid_payout_count'),
                ('paid_amount', 'links.paid_amount')
            ]),
            'links.person_id'
        ) }} as persons
    from links
    inner join shared_accounts on links.account_no = shared_accounts.account_no
    group by links.account_no
),

final as (
    select
        'R07' as rule_code,
        'account_no' as subject_type,
        shared_accounts.account_no as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        shared_accounts.county_code,
        {{ to_yuan('shared_accounts.paid_amount') }} as amount,
        {{ json_obj_nested([
            ('account_no', 'shared_accounts.account_no'),
            ('in_bank_accounts', 'bank_accounts.account_no is not null'),
            ('holder_name', 'bank_accounts.holder_name'),
            ('holder_id_number', 'bank_accounts.holder_id_number'),
            ('bank_code', 'coalesce(bank_accounts.bank_code, account_payouts.payout_bank_code)'),
            ('first_pay_month', format_month('account_payouts.first_pay_month')),
            ('last_pay_month', format_month('account_payouts.last_pay_month')),
            ('distinct_ids', 'shared_accounts.linked_id_count'),
            ('paid_payouts', 'shared_accounts.paid_payout_count'),
            ('linked_persons', 'linked_persons.persons', 'json')
        ]) }} as evidence
    from shared_accounts
    inner join linked_persons on shared_accounts.account_no = linked_persons.account_no
    left join bank_accounts on shared_accounts.account_no = bank_accounts.account_no
    left join account_payouts on shared_accounts.account_no = account_payouts.account_no
)

select * from final
