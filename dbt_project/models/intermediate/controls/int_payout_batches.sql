-- Payout batches (发放批次, R09 and R14) over the screened payouts
-- (int_payouts_screened: pay_month >= screen_from, known person and benefit;
-- RULES.md: payouts of unknown persons or benefits take part in no rule) with a
-- non-null batch_id. The earliest payout of a
-- batch is the one with the smallest (paid_on, payout_id); the batch is attributed
-- to its created_by and that user's county. Per batch: the unreviewed or
-- self-reviewed payouts (R09) and the manual bank-file payouts (R14), whatever
-- their pay_status; which payout is which is int_payouts_screened's is_unreviewed
-- and is_manual_bank_file (the predicates are stated there only).
with

operator_counties as (
    select * from {{ ref('int_operator_counties') }}
),

-- read from the model by each CTE below: a CTE read three times is materialized whole (28 M rows
-- at 1,000,000 persons), three scans of the columns each needs cost less
{% set screened_payouts -%}
    (select * from {{ ref('int_payouts_screened') }} where payout_batch_id is not null)
{%- endset %}

batch_totals as (
    select
        payout_batch_id,
        min(pay_month) as first_pay_month,
        max(pay_month) as last_pay_month,
        min(paid_on) as first_paid_on,
        count(*) as payout_count,
        sum(amount) as batch_amount,
        sum(case when is_unreviewed then 1 else 0 end) as unreviewed_payout_count,
        sum(case when is_unreviewed then amount end) as unreviewed_amount,
        -- the unreviewed ones split by whether a reviewer is named at all (evidence)
        sum(case when is_unreviewed and reviewed_by is null then 1 else 0 end) as no_reviewer_payout_count,
        sum(case when is_unreviewed and reviewed_by is not null then 1 else 0 end) as self_reviewed_payout_count,
        sum(case when is_manual_bank_file then 1 else 0 end) as manual_payout_count,
        sum(case when is_manual_bank_file then amount end) as manual_amount
    from {{ screened_payouts }} as screened_payouts
    group by payout_batch_id
),

-- the earliest payout: (paid_on nulls last, payout_id) — the smallest payout_id among the payouts
-- paid on the batch's first paid_on day, or among all of them when none has a paid_on. Two
-- aggregations and a join instead of ranking the 28 M payouts of 1,000,000 persons with a window.
earliest_ids as (
    select
        screened_payouts.payout_batch_id,
        min(screened_payouts.payout_id) as earliest_payout_id
    from {{ screened_payouts }} as screened_payouts
    inner join batch_totals
        on screened_payouts.payout_batch_id = batch_totals.payout_batch_id
    where screened_payouts.paid_on = batch_totals.first_paid_on
       or (batch_totals.first_paid_on is null and screened_payouts.paid_on is null)
    group by screened_payouts.payout_batch_id
),

earliest_payouts as (
    select
        earliest_ids.payout_batch_id,
        earliest_ids.earliest_payout_id,
        screened_payouts.created_by,
        screened_payouts.paid_on as earliest_paid_on
    from earliest_ids
    inner join {{ screened_payouts }} as screened_payouts
        on earliest_ids.earliest_payout_id = screened_payouts.payout_id
),

final as (
    select
        batch_totals.payout_batch_id,
        batch_totals.first_pay_month,
        batch_totals.last_pay_month,
        batch_totals.payout_count,
        batch_totals.batch_amount,
        batch_totals.unreviewed_payout_count,
        cast(batch_totals.unreviewed_amount as decimal(18, 2)) as unreviewed_amount,
        batch_totals.no_reviewer_payout_count,
        batch_totals.self_reviewed_payout_count,
        batch_totals.manual_payout_count,
        cast(batch_totals.manual_amount as decimal(18, 2)) as manual_amount,
        earliest_payouts.earliest_payout_id,
        earliest_payouts.earliest_paid_on,
        earliest_payouts.created_by,
        operator_counties.county_code
    from batch_totals
    inner join earliest_payouts
        on batch_totals.payout_batch_id = earliest_payouts.payout_batch_id
    left join operator_counties
        on earliest_payouts.created_by = operator_counties.user_id
)

select * from final
