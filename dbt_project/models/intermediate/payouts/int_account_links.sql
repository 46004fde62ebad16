{#
  Account - person links (R07 共用银行账号, shared_account_clusters, R28):
  one row per (account_no, person_id) linked by
  - a paid payout into the account (pay_month >= screen_from, known person and benefit), or
  - the current account_no of a benefit in status 1 (正常).
  identity_key is what "distinct recipient" means: the normalized id; a person
  whose id fails the check is still a distinct recipient and is identified by
  its raw id (trimmed, upper-cased), or by its person_id when it has none.
  Accounts absent from bank_accounts are kept: their links are facts.
#}
with paid_accounts as (
    select * from {{ ref('int_paid_payout_accounts') }}
),

benefits as (
    select * from {{ ref('int_benefits_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

payout_links as (
    select
        account_no,
        person_id,
        sum(paid_payout_count) as paid_payout_count,
        sum(paid_amount) as paid_amount
    from paid_accounts
    group by account_no, person_id
),

benefit_links as (
    select
        benefits.account_no,
        benefits.person_id,
        count(*) as active_benefit_count
    from benefits
    where benefits.status = '1'
      and benefits.account_no is not null
      and exists (select 1 from persons where persons.person_id = benefits.person_id)
    group by benefits.account_no, benefits.person_id
),

links as (
    select
        coalesce(payout_links.account_no, benefit_links.account_no) as account_no,
        coalesce(payout_links.person_id, benefit_links.person_id) as person_id,
        coalesce(payout_links.paid_payout_count, 0) as paid_payout_count,
        coalesce(payout_links.paid_amount, 0) as paid_amount,
        coalesce(benefit_links.active_benefit_count, 0) as active_benefit_count
    from payout_links
    full outer join benefit_links
        on payout_links.account_no = benefit_links.account_no
        and payout_links.person_id = benefit_links.person_id
),

final as (
    select
        links.account_no,
        links.person_id,
        persons.nid,
        persons.id_number,
        coalesce(persons.nid, concat('raw:', upper(trim(persons.id_number))), concat('person:', persons.person_id)) as identity_key,
        persons.name,
        persons.county_code,
        links.paid_payout_count > 0 as linked_by_payout,
        links.active_benefit_count > 0 as linked_by_benefit,
        links.paid_payout_count,
        links.paid_amount
    from links
    inner join persons on links.person_id = persons.person_id
)

select * from final
