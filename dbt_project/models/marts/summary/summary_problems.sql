{#
  附件2 社保基金管理风险排查问题情况汇总表 (INTERFACE.md): one row per
  (agency, 问题项) for the 8 agencies and TOTAL (全市合计). The 问题项 are the 29
  rules of the rule catalogue (item_type 'rule', figures from risk_flags and the
  verification records of case_ledger) and the checklist items that data cannot
  answer (item_type 'checklist', from the agency's self-inspection answers),
  grouped under the notice's ten sections (一 … 十); within a section the rules
  come first, then the checklist items, each in code order.

  Rule rows: 问题数量 = flags of the rule attributed to the agency, 涉及人数 =
  distinct recipients they involve (int_flag_persons: for R07 the persons sharing the
  account, for R09/R14 the persons of the faulty payouts), 涉及金额 = their amounts (null for rules without
  an amount); 已核查 = cases with conclusion 属实 or 不属实, 核查属实 = 属实,
  已整改 / 整改中 = rectification_status, 未整改 = 属实 cases not (yet) 整改中 or
  已整改, 追回金额 = recovered_amount. Cases of flags that no longer fire still
  count in the verification columns.
  Checklist rows: 问题数量 = 1 when the agency answered 存在, else 0; 已核查 = 1
  once answered; 核查属实 = 1 for 存在; the rectification columns follow the
  answer's rectification_status for 存在; no persons, amounts or recoveries.

  Amounts in 万元, 2 decimals, rounded once per (agency, item) from the yuan sum;
  TOTAL rows are the sums of the agency rows. The yuan sums are kept beside
  (amount_involved_yuan, recovered_amount_yuan) so that each sheet's 合计 row
  (summary_problems_totals) rounds once from yuan too, and equals 附件1.
#}
{%- set sections = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] %}
with agencies as (
    select * from {{ ref('agencies') }}
),

rule_catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

checklist_items as (
    select * from {{ ref('checklist_items') }}
),

flags as (
    select * from {{ ref('risk_flags') }}
),

flag_persons as (
    select * from {{ ref('int_flag_persons') }}
),

-- the verification columns count reviewed cases only (初审 -> 复核: review_status 已复核)
cases as (
    select * from {{ ref('case_ledger') }}
    where review_status = '已复核'
),

checklist_answers as (
    select * from {{ ref('stg_cases__checklist_answers') }}
),

section_names as (
    select
        section,
        max(section_name) as section_name
    from rule_catalogue
    group by section
),

items as (
    select
        section,
        'rule' as item_type,
        1 as item_type_order,
        rule_code as item_code,
        rule_name as item_name,
        has_amount
    from rule_catalogue
    union all
    select
        section,
        'checklist' as item_type,
        2 as item_type_order,
        item_code,
        item_name,
        false as has_amount
    from checklist_items
),

ordered_items as (
    select
        items.section,
        section_names.section_name,
        case items.section
            {%- for s in sections %}
            when '{{ s }}' then {{ loop.index }}
            {%- endfor %}
        end as section_order,
        items.item_type,
        items.item_type_order,
        items.item_code,
        items.item_name,
        items.has_amount
    from items
    left join section_names
        on items.section = section_names.section
),

numbered_items as (
    select
        ordered_items.*,
        -- bigint on every engine (row_number() is bigint on DuckDB, int on Spark): the contract fixes it
        cast(row_number() over (order by section_order, item_type_order, item_code) as {{ dbt.type_bigint() }}) as item_order
    from ordered_items
),

rule_flag_figures as (
    select
        flags.county_code,
        flags.rule_code,
        count(*) as problem_count,
        max(person_figures.persons_involved) as persons_involved,
        sum(flags.amount) as amount_yuan
    from flags
    left join (
        -- 涉及人数: distinct recipients the flags involve (int_flag_persons)
        select flags.county_code, flags.rule_code, count(distinct flag_persons.person_id) as persons_involved
        from flags
        inner join flag_persons on flags.flag_id = flag_persons.flag_id
        group by flags.county_code, flags.rule_code
    ) as person_figures
        on flags.county_code = person_figures.county_code and flags.rule_code = person_figures.rule_code
    group by flags.county_code, flags.rule_code
),

rule_case_figures as (
    select
        county_code,
        rule_code,
        sum(case when conclusion in ('属实', '不属实') then 1 else 0 end) as verified_count,
        sum(case when conclusion = '属实' then 1 else 0 end) as confirmed_count,
        sum(case when rectification_status = '已整改' then 1 else 0 end) as rectified_count,
        sum(case when rectification_status = '整改中' then 1 else 0 end) as rectifying_count,
        sum(case when conclusion = '属实' and coalesce(rectification_status, '未整改') not in ('整改中', '已整改')
                 then 1 else 0 end) as not_rectified_count,
        sum(recovered_amount) as recovered_yuan
    from cases
    where case_type = 'flag'
    group by county_code, rule_code
),

-- the current answer per (agency, item); the newest one if the store holds several
latest_answers as (
    select
        agency_code,
        item_code,
        answer,
        rectification_status,
        row_number() over (partition by agency_code, item_code order by updated_at desc) as answer_rank
    from checklist_answers
),

checklist_figures as (
    select
        agency_code,
        item_code,
        case when answer = '存在' then 1 else 0 end as problem_count,
        case when answer in ('存在', '不存在') then 1 else 0 end as verified_count,
        case when answer = '存在' then 1 else 0 end as confirmed_count,
        case when answer = '存在' and rectification_status = '已整改' then 1 else 0 end as rectified_count,
        case when answer = '存在' and rectification_status = '整改中' then 1 else 0 end as rectifying_count,
        case when answer = '存在' and coalesce(rectification_status, '未整改') not in ('整改中', '已整改')
             then 1 else 0 end as not_rectified_count
    from latest_answers
    where answer_rank = 1
),

agency_rows as (
    select
        agencies.agency_code,
        agencies.agency_name,
        agencies.sort_order as agency_sort_order,
        numbered_items.section,
        numbered_items.section_name,
        numbered_items.section_order,
        numbered_items.item_type,
        numbered_items.item_code,
        numbered_items.item_name,
        numbered_items.item_order,
        cast(case when numbered_items.item_type = 'rule' then coalesce(rule_flag_figures.problem_count, 0)
                  else coalesce(checklist_figures.problem_count, 0) end as {{ dbt.type_bigint() }}) as problem_count,
        cast(case when numbered_items.item_type = 'rule' then coalesce(rule_flag_figures.persons_involved, 0)
             end as {{ dbt.type_bigint() }}) as persons_involved,
        cast(case when numbered_items.has_amount
                  then round(coalesce(rule_flag_figures.amount_yuan, 0) / 10000, 2) end as decimal(18, 2)) as amount_involved,
        cast(case when numbered_items.item_type = 'rule' then coalesce(rule_case_figures.verified_count, 0)
                  else coalesce(checklist_figures.verified_count, 0) end as {{ dbt.type_bigint() }}) as verified_count,
        cast(case when numbered_items.item_type = 'rule' then coalesce(rule_case_figures.confirmed_count, 0)
                  else coalesce(checklist_figures.confirmed_count, 0) end as {{ dbt.type_bigint() }}) as confirmed_count,
        cast(case when numbered_items.item_type = 'rule' then coalesce(rule_case_figures.rectified_count, 0)
                  else coalesce(checklist_figures.rectified_count, 0) end as {{ dbt.type_bigint() }}) as rectified_count,
        cast(case when numbered_items.item_type = 'rule' then coalesce(rule_case_figures.rectifying_count, 0)
                  else coalesce(checklist_figures.rectifying_count, 0) end as {{ dbt.type_bigint() }}) as rectifying_count,
        cast(case when numbered_items.item_type = 'rule' then coalesce(rule_case_figures.not_rectified_count, 0)
                  else coalesce(checklist_figures.not_rectified_count, 0) end as {{ dbt.type_bigint() }}) as not_rectified_count,
        cast(round(coalesce(rule_case_figures.recovered_yuan, 0) / 10000, 2) as decimal(18, 2)) as recovered_amount,
        cast(case when numbered_items.has_amount
                  then coalesce(rule_flag_figures.amount_yuan, 0) end as decimal(18, 2)) as amount_involved_yuan,
        cast(coalesce(rule_case_figures.recovered_yuan, 0) as decimal(18, 2)) as recovered_amount_yuan
    from agencies
    cross join numbered_items
    left join rule_flag_figures
        on numbered_items.item_type = 'rule'
        and agencies.agency_code = rule_flag_figures.county_code
        and numbered_items.item_code = rule_flag_figures.rule_code
    left join rule_case_figures
        on numbered_items.item_type = 'rule'
        and agencies.agency_code = rule_case_figures.county_code
        and numbered_items.item_code = rule_case_figures.rule_code
    left join checklist_figures
        on numbered_items.item_type = 'checklist'
        and agencies.agency_code = checklist_figures.agency_code
        and numbered_items.item_code = checklist_figures.item_code
),

-- 全市合计 = the sum of the agency rows as printed
total_rows as (
    select
        'TOTAL' as agency_code,
        '全市合计' as agency_name,
        max(agency_sort_order) + 1 as agency_sort_order,
        section,
        section_name,
        section_order,
        item_type,
        item_code,
        item_name,
        item_order,
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
    from agency_rows
    group by section, section_name, section_order, item_type, item_code, item_name, item_order
),

all_rows as (
    select * from agency_rows
    union all
    select * from total_rows
),

final as (
    select
        agency_code,
        agency_name,
        agency_sort_order,
        section,
        section_name,
        section_order,
        item_type,
        item_code,
        item_name,
        item_order,
        problem_count,
        persons_involved,
        amount_involved,
        verified_count,
        confirmed_count,
        rectified_count,
        rectifying_count,
        not_rectified_count,
        recovered_amount,
        amount_involved_yuan,
        recovered_amount_yuan
    from all_rows
)

select * from final
