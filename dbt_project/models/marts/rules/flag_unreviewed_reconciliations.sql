{#
  R15 银行对账未经非出纳人员复核或账实不符: a reconciliation whose reviewed_by is null,
  or equals prepared_by, or is a user holding FIN_CASHIER (出纳) on the last day of
  the reconciliation month (granted_on <= that day and (revoked_on null or > that
  day)), or whose book_balance <> bank_balance. Amount: abs(book - bank), 0.00 when
  only the review is at fault. County: the reconciliation's county_code.
#}
with reconciliations as (
    select * from {{ ref('int_reconciliations_current') }}
),

user_roles as (
    select * from {{ ref('int_user_roles_current') }}
),

recon_month_ends as (
    select
        *,
        {{ month_end('month') }} as month_end
    from reconciliations
),

reviewer_cashiers as (
    select distinct recon_month_ends.recon_id
    from recon_month_ends
    inner join user_roles
        on recon_month_ends.reviewed_by = user_roles.user_id
    where user_roles.role_code = 'FIN_CASHIER'
      and user_roles.granted_on <= recon_month_ends.month_end
      and (user_roles.revoked_on is null or user_roles.revoked_on > recon_month_ends.month_end)
),

checked as (
    select
        recon_month_ends.*,
        recon_month_ends.reviewed_by is null as no_reviewer,
        coalesce(recon_month_ends.reviewed_by = recon_month_ends.prepared_by, false) as self_reviewed,
        reviewer_cashiers.recon_id is not null as reviewer_is_cashier,
        coalesce(recon_month_ends.book_balance <> recon_month_ends.bank_balance, false) as balance_mismatch
    from recon_month_ends
    left join reviewer_cashiers
        on recon_month_ends.recon_id = reviewer_cashiers.recon_id
),

flagged as (
    select *
    from checked
    where no_reviewer or self_reviewed or reviewer_is_cashier or balance_mismatch
),

final as (
    select
        'R15' as rule_code,
        'recon_id' as subject_type,
        recon_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        county_code,
        cast(coalesce(abs(book_balance - bank_balance), 0) as decimal(18, 2)) as amount,
        {{ json_obj([
            ('recon_id', 'recon_id'),
            ('bank_account', 'bank_account'),
            ('month', format_month('month')),
            ('book_balance', 'book_balance'),
            ('bank_balance', 'bank_balance'),
            ('difference', 'cast(book_balance - bank_balance as decimal(18, 2))'),
            ('prepared_by', 'prepared_by'),
            ('reviewed_by', 'reviewed_by'),
            ('no_reviewer', 'no_reviewer'),
            ('self_reviewed', 'self_reviewed'),
            ('reviewer_is_cashier_on_month_end', 'reviewer_is_cashier'),
            ('balance_mismatch', 'balance_mismatch')
        ]) }} as evidence
    from flagged
)

select * from final
