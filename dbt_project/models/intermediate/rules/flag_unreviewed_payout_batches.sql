{#
  R09 待遇发放未经审核或自审自批: a payout batch (payouts with pay_month >=
  screen_from) with some payout whose reviewed_by is null or equals created_by.
  Amount: those payouts' amounts, whatever their pay_status. County: the
  created_by of the batch's earliest payout (smallest (paid_on, payout_id)).
  Which payout is unreviewed: int_payouts_screened.is_unreviewed (stated there only).
#}
with batches as (
    select * from {{ ref('int_payout_batches') }}
),

payouts as (
    select * from {{ ref('int_payouts_screened') }}
),

users as (
    select * from {{ ref('int_users_current') }}
),

unreviewed_payouts as (
    select
        payout_batch_id,
        payout_id,
        amount,
        created_by,
        reviewed_by,
        row_number() over (partition by payout_batch_id order by payout_id) as payout_order
    from payouts
    where payout_batch_id is not null
      and is_unreviewed
),

examples as (
    select
        payout_batch_id,
        {{ json_array_agg(
            json_obj([
                ('payout_id', 'payout_id'),
                ('amount', 'amount'),
                ('created_by', 'created_by'),
                ('reviewed_by', 'reviewed_by')
            ]),
            'payout_id'
        ) }} as example_payouts
    from unreviewed_payouts
    where payout_order <= 20
    group by payout_batch_id
),

flagged as (
    select *
    from batches
    where unreviewed_payout_count > 0
),

final as (
    select
        'R09' as rule_code,
        'payout_batch_id' as subject_type,
        flagged.payout_batch_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        flagged.county_code,
        cast(flagged.unreviewed_amount as decimal(18, 2)) as amount,
        {{ json_obj_nested([
            ('batch_id', 'flagged.payout_batch_id'),
            ('pay_month', format_month('flagged.first_pay_month')),
            ('payouts_in_batch', 'flagged.payout_count'),
            ('unreviewed_payouts', 'flagged.unreviewed_payout_count'),
            ('without_reviewer', 'flagged.no_reviewer_payout_count'),
            ('self_reviewed', 'flagged.self_reviewed_payout_count'),
            ('unreviewed_amount', 'flagged.unreviewed_amount'),
            ('earliest_payout_id', 'flagged.earliest_payout_id'),
            ('created_by', 'flagged.created_by'),
            ('created_by_name', 'users.name'),
            ('first_20_unreviewed_payouts', 'examples.example_payouts', 'json')
        ]) }} as evidence
    from flagged
    left join examples
        on flagged.payout_batch_id = examples.payout_batch_id
    left join users
        on flagged.created_by = users.user_id
)

select * from final
