{#
  The recipients (person_id) a flag involves, for the 涉及人数 of the official tables:
  the flag's own person for person-, benefit-, payout-, card- and certification-level
  rules; for R07 every person linked to the shared account; for R09 / R14 the persons
  of the faulty payouts of the payout batch (int_payouts_screened.is_unreviewed /
  is_manual_bank_file). Rules about users, operations and reconciliations
  involve no recipient. Reads the intermediate union of the rule models
  (int_flags_unioned: the same flags, flag_ids and persons as marts.risk_flags),
  not the published mart built on it.
#}
with flags as (
    select * from {{ ref('int_flags_unioned') }}
),

links as (
    select * from {{ ref('int_account_links') }}
),

payouts as (
    select * from {{ ref('int_payouts_screened') }}
),

own_person as (
    select flag_id, person_id
    from flags
    where person_id is not null
),

shared_account_persons as (
    select flags.flag_id, links.person_id
    from flags
    inner join links on flags.subject_id = links.account_no
    where flags.rule_code = 'R07'
),

payout_batch_persons as (
    select flags.flag_id, payouts.person_id
    from flags
    inner join payouts on flags.subject_id = payouts.payout_batch_id
    where (flags.rule_code = 'R09' and payouts.is_unreviewed)
       or (flags.rule_code = 'R14' and payouts.is_manual_bank_file)
),

unioned as (
    select * from own_person
    union all
    select * from shared_account_persons
    union all
    select * from payout_batch_persons
),

final as (
    select distinct flag_id, person_id
    from unioned
)

select * from final
