{# The figures rule_outcomes shares with 附件2's rule rows are the same (one definition of a
   reviewed case): 问题数量 = flags, 已核查 = reviewed, 核查属实 = confirmed, 追回金额 (yuan) =
   recovered_amount, per agency and TOTAL. Returns the disagreeing rows. #}
with outcomes as (
    select * from {{ ref('rule_outcomes') }}
),

problems as (
    select * from {{ ref('summary_problems') }}
    where item_type = 'rule'
),

final as (
    select
        outcomes.rule_code,
        outcomes.agency_code,
        outcomes.flags,
        problems.problem_count,
        outcomes.reviewed,
        problems.verified_count,
        outcomes.confirmed,
        problems.confirmed_count,
        outcomes.recovered_amount,
        problems.recovered_amount_yuan
    from outcomes
    left join problems
        on outcomes.rule_code = problems.item_code and outcomes.agency_code = problems.agency_code
    where problems.item_code is null
        or outcomes.flags <> problems.problem_count
        or outcomes.reviewed <> problems.verified_count
        or outcomes.confirmed <> problems.confirmed_count
        or outcomes.recovered_amount <> coalesce(problems.recovered_amount_yuan, 0)
)

select * from final
