{#
  核查成效 per rule (INTERFACE.md marts.rule_outcomes): how often each rule's
  findings prove true, learned from the verifiers' reviewed conclusions. One row
  per (rule R01 … R29, agency of reference.agencies) — every pair, zeros included —
  plus agency TOTAL (全市合计) per rule.

  Counts only reviewed conclusions (复核 passed, review_status 已复核; a reviewer can
  only pass 属实 or 不属实): a 待复核 or 已退回 conclusion is not yet a finding.
  Cases are attributed by the case's county_code (as in 附件1 / 附件2, whose rule rows
  carry the same flags, reviewed, confirmed and recovered figures); a case whose flag
  no longer fires still counts in its reviewed figures (work done stays counted), but
  not in `flags`. TOTAL is the sum of the agency rows.

  smoothed_confirmed_rate is the rate the worklist's priority uses
  (macros/priority.sql: (confirmed + 1) / (reviewed + 2) by default).
#}
with rule_catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

agencies as (
    select * from {{ ref('agencies') }}
),

cases as (
    select * from {{ ref('int_cases_unioned') }}
    where case_type = 'flag'
),

case_figures as (
    select
        rule_code,
        county_code,
        sum(case when detected then 1 else 0 end) as flags,
        sum(case when review_status = '已复核' then 1 else 0 end) as reviewed,
        sum(case when review_status = '已复核' and conclusion = '属实' then 1 else 0 end) as confirmed,
        sum(case when review_status = '已复核' and conclusion = '不属实' then 1 else 0 end) as not_confirmed,
        sum(case when review_status = '已复核' then recovered_amount end) as recovered_yuan
    from cases
    group by rule_code, county_code
),

agency_rows as (
    select
        rule_catalogue.rule_code,
        agencies.agency_code,
        agencies.agency_name,
        agencies.sort_order as agency_sort_order,
        cast(coalesce(case_figures.flags, 0) as {{ dbt.type_bigint() }}) as flags,
        cast(coalesce(case_figures.reviewed, 0) as {{ dbt.type_bigint() }}) as reviewed,
        cast(coalesce(case_figures.confirmed, 0) as {{ dbt.type_bigint() }}) as confirmed,
        cast(coalesce(case_figures.not_confirmed, 0) as {{ dbt.type_bigint() }}) as not_confirmed,
        cast(coalesce(case_figures.recovered_yuan, 0) as decimal(18, 2)) as recovered_amount
    from rule_catalogue
    cross join agencies
    left join case_figures
        on rule_catalogue.rule_code = case_figures.rule_code
        and agencies.agency_code = case_figures.county_code
),

total_rows as (
    select
        rule_code,
        'TOTAL' as agency_code,
        '全市合计' as agency_name,
        max(agency_sort_order) + 1 as agency_sort_order,
        cast(sum(flags) as {{ dbt.type_bigint() }}) as flags,
        cast(sum(reviewed) as {{ dbt.type_bigint() }}) as reviewed,
        cast(sum(confirmed) as {{ dbt.type_bigint() }}) as confirmed,
        cast(sum(not_confirmed) as {{ dbt.type_bigint() }}) as not_confirmed,
        cast(sum(recovered_amount) as decimal(18, 2)) as recovered_amount
    from agency_rows
    group by rule_code
),

all_rows as (
    select * from agency_rows
    union all
    select * from total_rows
),

final as (
    select
        all_rows.rule_code,
        rule_catalogue.rule_name,
        rule_catalogue.section,
        all_rows.agency_code,
        all_rows.agency_name,
        all_rows.agency_sort_order,
        all_rows.flags,
        all_rows.reviewed,
        all_rows.confirmed,
        all_rows.not_confirmed,
        case
            when all_rows.reviewed > 0
                then cast(round(cast(all_rows.confirmed as decimal(18, 6)) / all_rows.reviewed, 4) as decimal(9, 4))
        end as confirmed_rate,
        {{ smoothed_confirmed_rate('all_rows.confirmed', 'all_rows.reviewed') }} as smoothed_confirmed_rate,
        all_rows.recovered_amount
    from all_rows
    inner join rule_catalogue
        on all_rows.rule_code = rule_catalogue.rule_code
)

select * from final
