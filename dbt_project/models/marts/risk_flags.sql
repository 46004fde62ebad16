{#
  marts.risk_flags (INTERFACE.md): one row per (rule, subject) over all 29 rules,
  unmasked, for the verification team. Rule name, section and subject type come
  from the rule catalogue seed; first_seen_batch from flag_first_seen (the batch
  in which the flag first fired, stable across nightly runs); explanation from
  int_flag_explanations (the rule's template of seeds/explanation_templates.csv
  filled with the flag's own facts).
#}
with flags as (
    select * from {{ ref('int_flags_unioned') }}
),

rule_catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

first_seen as (
    select * from {{ ref('flag_first_seen') }}
),

explanations as (
    select * from {{ ref('int_flag_explanations') }}
),

current_batch as (
    select batch_id from {{ ref('int_as_of') }}
),

final as (
    select
        flags.flag_id,
        flags.rule_code,
        rule_catalogue.rule_name,
        rule_catalogue.section,
        coalesce(rule_catalogue.subject_type, flags.subject_type) as subject_type,
        flags.subject_id,
        flags.person_id,
        flags.county_code,
        flags.amount,
        coalesce(first_seen.first_seen_batch, current_batch.batch_id) as first_seen_batch,
        flags.evidence,
        explanations.explanation
    from flags
    cross join current_batch
    left join rule_catalogue
        on flags.rule_code = rule_catalogue.rule_code
    left join first_seen
        on flags.flag_id = first_seen.flag_id
    left join explanations
        on flags.flag_id = explanations.flag_id
)

select * from final
