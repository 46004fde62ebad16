{#
  The 合计 row of each 附件2 sheet: one row per agency (the 8 of reference.agencies)
  and TOTAL (the 全市合计 sheet). How 合计 rows round (docs/DESIGN.md "Rounding of the
  official tables"):
  - counts are the sums of the sheet's rows (涉及人数 per item, so a person in two
    items counts twice, unlike 附件1's distinct 涉及人数);
  - an agency's amounts (涉及金额, 追回金额) are its yuan summed over all items and
    rounded once to 万元 with 2 decimals, the way 附件1 rounds the same figure, so
    an agency's 合计 涉及金额 equals its 附件1 涉及金额 exactly; it may differ by a
    few 0.01 from the sum of the sheet's rounded item rows;
  - TOTAL's figures are the sums of the 8 agency 合计 rows, as 附件1's 全市合计 is the
    sum of its agency rows, so 全市合计 equals 附件1's 全市合计 too.
#}
with problems as (
    select * from {{ ref('summary_problems') }}
),

agencies as (
    select * from {{ ref('agencies') }}
),

agency_totals as (
    select
        agencies.agency_code,
        agencies.agency_name,
        agencies.sort_order as agency_sort_order,
        cast(coalesce(sum(problems.problem_count), 0) as {{ dbt.type_bigint() }}) as problem_count,
        cast(coalesce(sum(problems.persons_involved), 0) as {{ dbt.type_bigint() }}) as persons_involved,
        cast(round(coalesce(sum(problems.amount_involved_yuan), 0) / 10000, 2) as decimal(18, 2)) as amount_involved,
        cast(coalesce(sum(problems.verified_count), 0) as {{ dbt.type_bigint() }}) as verified_count,
        cast(coalesce(sum(problems.confirmed_count), 0) as {{ dbt.type_bigint() }}) as confirmed_count,
        cast(coalesce(sum(problems.rectified_count), 0) as {{ dbt.type_bigint() }}) as rectified_count,
        cast(coalesce(sum(problems.rectifying_count), 0) as {{ dbt.type_bigint() }}) as rectifying_count,
        cast(coalesce(sum(problems.not_rectified_count), 0) as {{ dbt.type_bigint() }}) as not_rectified_count,
        cast(round(coalesce(sum(problems.recovered_amount_yuan), 0) / 10000, 2) as decimal(18, 2)) as recovered_amount,
        cast(coalesce(sum(problems.amount_involved_yuan), 0) as decimal(18, 2)) as amount_involved_yuan,
        cast(coalesce(sum(problems.recovered_amount_yuan), 0) as decimal(18, 2)) as recovered_amount_yuan
    from agencies
    left join problems
        on agencies.agency_code = problems.agency_code
    group by agencies.agency_code, agencies.agency_name, agencies.sort_order
),

-- 全市合计 = the sum of the agency 合计 rows as printed
total_row as (
    select
        'TOTAL' as agency_code,
        '全市合计' as agency_name,
        max(agency_sort_order) + 1 as agency_sort_order,
        cast(sum(problem_count) as {{ dbt.type_bigint() }}) as problem_count,
        cast(sum(persons_involved) as {{ dbt.type_bigint() }}) as persons_involved,
        cast(sum(amount_involved) as decimal(18, 2)) as amount_involved,
        cast(sum(verified_count) as {{ dbt.type_bigint() }}) as verified_count,
        cast(sum(confirmed_count) as {{ dbt.type_bigint() }}) as confirmed_count,
        cast(sum(rectified_count) as {{ dbt.type_bigint() }}) as rectified_count,
        cast(sum(rectifying_count) as {{ dbt.type_bigint() }}) as rectifying_count,
        cast(sum(not_rectified_count) as {{ dbt.type_bigint() }}) as not_rectified_count,
        cast(sum(recovered_amount) as decimal(18, 2)) as recovered_amount,
        cast(sum(amount_involved_yuan) as decimal(18, 2)) as amount_involved_yuan,
        cast(sum(recovered_amount_yuan) as decimal(18, 2)) as recovered_amount_yuan
    from agency_totals
),

final as (
    select * from agency_totals
    union all
    select * from total_row
)

select * from final
