-- Every finding of the 29 rule models (one row per rule and subject) in the common
-- shape, with its stable flag_id = md5(rule_code || '|' || subject_id). Feeds
-- flag_first_seen (incremental) and risk_flags.
{%- set rule_models = [
    'flag_paid_after_death',
    'flag_resumed_after_death_suspension',
    'flag_resumed_after_death_termination',
    'flag_extreme_monthly_payout',
    'flag_repeated_high_payouts',
    'flag_off_hours_batch_operations',
    'flag_shared_bank_account',
    'flag_manual_determination',
    'flag_unreviewed_payout_batches',
    'flag_paid_during_imprisonment',
    'flag_unverified_failed_payouts',
    'flag_repeated_backpays',
    'flag_incompatible_roles',
    'flag_manual_bank_files',
    'flag_unreviewed_reconciliations',
    'flag_accountant_cashier_combined',
    'flag_certification_overdue',
    'flag_death_not_marked',
    'flag_unreviewed_social_certification',
    'flag_cards_undistributed',
    'flag_cards_of_deceased',
    'flag_cards_activated_unseen',
    'flag_unreviewed_high_risk_operations',
    'flag_departed_staff_active',
    'flag_three_admins_combined',
    'flag_non_real_name_login',
    'flag_duplicate_receipt',
    'flag_account_holder_mismatch',
    'flag_overdue_issued_suspects'
] %}

with unioned as (
    {{ union_rule_models(rule_models) }}
),

final as (
    select
        {{ flag_id('rule_code', 'subject_id') }} as flag_id,
        rule_code,
        subject_type,
        subject_id,
        person_id,
        county_code,
        amount,
        evidence
    from unioned
)

select * from final
