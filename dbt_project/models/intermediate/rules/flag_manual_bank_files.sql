{#
  R14 社银人工报盘: a payout batch (payouts with pay_month >= screen_from) with some
  payout sent by manual bank file (channel '2' 人工报盘). Amount: those payouts'
  amounts, whatever their pay_status. County: the created_by of the batch's
  earliest payout (smallest (paid_on, payout_id)).
  Which payout is a manual bank file: int_payouts_screened.is_manual_bank_file
  (stated there only).
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

manual_payouts as (
    select
        payout_batch_id,
        payout_id,
        amount,
        pay_status,
        row_number() over (partition by payout_batch_id order by payout_id) as payout_order
    from payouts
    where payout_batch_id is not null
      and is_manual_bank_file
),

examples as (
    select
        payout_batch_id,
        {{ json_array_agg(
            json_obj([
                ('payout_id', 'payout_id'),
                ('amount', 'amount'),
                ('pay_status', 'pay_status')
            ]),
            'payout_id'
        ) }} as example_payouts
    from manual_payouts
    where payout_order <= 20
    group by payout_batch_id
),

flagged as (
    select *
    from batches
    where manual_payout_count > 0
),

final as (
    select
        'R14' as rule_code,
        'payout_batch_id' as subject_type,
        flagged.payout_batch_id as subject_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        flagged.county_code,
        cast(flagged.manual_amount as decimal(18, 2)) as amount,
        {{ json_obj_nested([
            ('batch_id', 'flagged.payout_batch_id'),
            ('pay_month', format_month('flagged.first_pay_month')),
            ('channel', "'2 人工报盘'"),
            ('payouts_in_batch', 'flagged.payout_count'),
            ('manual_payouts', 'flagged.manual_payout_count'),
            ('manual_amount', 'flagged.manual_amount'),
            ('earliest_payout_id', 'flagged.earliest_payout_id'),
            ('created_by', 'flagged.created_by'),
            ('created_by_name', 'users.name'),
            ('first_20_manual_payouts', 'examples.example_payouts', 'json')
        ]) }} as evidence
    from flagged
    left join examples
        on flagged.payout_batch_id = examples.payout_batch_id
    left join users
        on flagged.created_by = users.user_id
)

select * from final
