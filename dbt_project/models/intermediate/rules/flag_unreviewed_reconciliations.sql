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

users as (
    select * from {{ ref('int_users_current') }}
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
        flagged.recon_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        flagged.county_code,
        cast(coalesce(abs(flagged.book_balance - flagged.bank_balance), 0) as decimal(18, 2)) as amount,
        {{ json_obj([
            ('recon_id', 'flagged.recon_id'),
            ('bank_account', 'flagged.bank_account'),
            ('month', format_month('flagged.month')),
            ('book_balance', 'flagged.book_balance'),
            ('bank_balance', 'flagged.bank_balance'),
            ('difference', 'cast(flagged.book_balance - flagged.bank_balance as decimal(18, 2))'),
            ('prepared_by', 'flagged.prepared_by'),
            ('prepared_by_name', 'users.name'),
            ('reviewed_by', 'flagged.reviewed_by'),
            ('no_reviewer', 'flagged.no_reviewer'),
            ('self_reviewed', 'flagged.self_reviewed'),
            ('reviewer_is_cashier_on_month_end', 'flagged.reviewer_is_cashier'),
            ('balance_mismatch', 'flagged.balance_mismatch')
        ]) }} as evidence
    from flagged
    left join users
        on flagged.prepared_by = users.user_id
)

select * from final
