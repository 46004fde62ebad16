{# 附件1 系统筛查疑点数 of TOTAL equals the number of flags attributed to one of the
   8 agencies, and per agency equals the sum of 附件2's rule rows (问题数量). #}
with basic as (
    select * from {{ ref('summary_basic') }}
),

problems as (
    select agency_code, sum(problem_count) as rule_problems
    from {{ ref('summary_problems') }}
    where item_type = 'rule'
    group by agency_code
),

final as (
    select basic.agency_code, basic.system_flags, problems.rule_problems
    from basic
    inner join problems on basic.agency_code = problems.agency_code
    where basic.system_flags <> problems.rule_problems
)

select * from final
