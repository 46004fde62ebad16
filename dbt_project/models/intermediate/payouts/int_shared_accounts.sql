{#
  Accounts shared by several recipients (R07 多个待遇领取人员共用一个银行账号):
  accounts linked (int_account_links) to >= r07_min_ids distinct identities
  (normalized ids; a person whose id fails the check counts by its raw id).
  Two person records of one id (duplicate enrolment) are one identity: not shared.
  county_code: the most common county_code among the person records linked to the
  account (ties: the smallest code).
#}
with links as (
    select * from {{ ref('int_account_links') }}
),

per_account as (
    select
        account_no,
        count(distinct identity_key) as linked_id_count,
        count(distinct person_id) as linked_person_count,
        sum(paid_amount) as paid_amount,
        sum(paid_payout_count) as paid_payout_count
    from links
    group by account_no
),

county_counts as (
    select
        account_no,
        county_code,
        count(distinct person_id) as person_count
    from links
    where county_code is not null
    group by account_no, county_code
),

county_ranked as (
    select
        account_no,
        county_code,
        row_number() over (
            partition by account_no order by person_count desc, county_code
        ) as county_rank
    from county_counts
),

final as (
    select
        per_account.account_no,
        per_account.linked_id_count,
        per_account.linked_person_count,
        per_account.paid_amount,
        per_account.paid_payout_count,
        county_ranked.county_code
    from per_account
    left join county_ranked
        on per_account.account_no = county_ranked.account_no
        and county_ranked.county_rank = 1
    where per_account.linked_id_count >= {{ var('r07_min_ids') }}
)

select * from final
