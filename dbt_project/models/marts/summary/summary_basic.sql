{#
  附件1 社保基金管理风险排查基本情况汇总表 (INTERFACE.md): one row per agency
  (经办机构, the 8 rows of reference.agencies) plus TOTAL (全市合计).

  Attribution: recipients and payouts by the person's county_code; flags by the
  flag's county_code (RULES.md "County attribution"); issued suspects by 县区代码;
  cases (核查) by the case's county_code. Rows whose county is not one of the 8
  agencies appear in no row (TOTAL is the sum of the agency rows, by contract).

  Amounts are 万元 with 2 decimals: round(yuan / 10000, 2) per agency; the TOTAL row
  adds up the agencies' rounded figures so that 全市合计 = the sum of the rows a
  reader sees. Verification figures count every case of the ledger, including
  cases whose flag no longer fires (work done stays counted).
#}
with agencies as (
    select * from {{ ref('agencies') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

benefits as (
    select * from {{ ref('int_benefits_current') }}
),

screened_payouts as (
    select * from {{ ref('int_payouts_screened') }}
),

flags as (
    select * from {{ ref('risk_flags') }}
),

flag_persons as (
    select * from {{ ref('int_flag_persons') }}
),

suspects as (
    select * from {{ ref('int_suspects_current') }}
),

-- the verification columns count reviewed cases only (初审 -> 复核: review_status 已复核)
cases as (
    select * from {{ ref('case_ledger') }}
    where review_status = '已复核'
),

as_of_date as (
    select
        as_of,
        {{ month_start('as_of') }} as as_of_month
    from {{ ref('int_as_of') }}
),

-- 待遇领取人数: persons with a benefit in status 1 (正常) at as_of, per scheme
recipients as (
    select
        persons.county_code,
        count(distinct case when benefits.scheme_code = '170' then persons.person_id end) as recipients_resident,
        count(distinct case when benefits.scheme_code = '110' then persons.person_id end) as recipients_enterprise,
        count(distinct case when benefits.scheme_code = '120' then persons.person_id end) as recipients_institution,
        count(distinct persons.person_id) as recipients_total
    from benefits
    inner join persons
        on benefits.person_id = persons.person_id
    where benefits.status = '1'
    group by persons.county_code
),

-- 当月发放 / 2019年以来累计发放 (paid only) / 筛查发放记录数 (every payout row since screen_from)
payout_figures as (
    select
        persons.county_code,
        sum(case when screened_payouts.is_paid and screened_payouts.pay_month = as_of_date.as_of_month
                 then screened_payouts.amount end) as paid_current_month_yuan,
        sum(case when screened_payouts.is_paid then screened_payouts.amount end) as paid_since_screen_from_yuan,
        count(*) as screened_payout_rows
    from screened_payouts
    inner join persons
        on screened_payouts.person_id = persons.person_id
    cross join as_of_date
    group by persons.county_code
),

-- 系统筛查疑点数 / 涉及人数 / 涉及金额
flag_figures as (
    select
        county_code,
        count(*) as system_flags,
        sum(amount) as flag_amount_yuan
    from flags
    group by county_code
),

-- 涉及人数: distinct recipients the agency's flags involve (int_flag_persons)
flag_person_figures as (
    select
        flags.county_code,
        count(distinct flag_persons.person_id) as flag_persons
    from flags
    inner join flag_persons on flags.flag_id = flag_persons.flag_id
    group by flags.county_code
),

-- 部省下发疑点数
suspect_figures as (
    select
        county_code,
        count(*) as issued_suspects
    from suspects
    group by county_code
),

-- 已核查数 / 核查属实数 / 追回金额 / 已整改数 (flags and issued suspects)
case_figures as (
    select
        county_code,
        sum(case when conclusion in ('属实', '不属实') then 1 else 0 end) as verified_count,
        sum(case when conclusion = '属实' then 1 else 0 end) as confirmed_count,
        sum(recovered_amount) as recovered_amount_yuan,
        sum(case when rectification_status = '已整改' then 1 else 0 end) as rectified_count
    from cases
    group by county_code
),

agency_rows as (
    select
        agencies.agency_code,
        agencies.agency_name,
        agencies.sort_order,
        cast(coalesce(recipients.recipients_resident, 0) as {{ dbt.type_bigint() }}) as recipients_resident,
        cast(coalesce(recipients.recipients_enterprise, 0) as {{ dbt.type_bigint() }}) as recipients_enterprise,
        cast(coalesce(recipients.recipients_institution, 0) as {{ dbt.type_bigint() }}) as recipients_institution,
        cast(coalesce(recipients.recipients_total, 0) as {{ dbt.type_bigint() }}) as recipients_total,
        cast(round(coalesce(payout_figures.paid_current_month_yuan, 0) / 10000, 2) as decimal(18, 2)) as paid_current_month,
        cast(round(coalesce(payout_figures.paid_since_screen_from_yuan, 0) / 10000, 2) as decimal(18, 2)) as paid_since_screen_from,
        cast(coalesce(payout_figures.screened_payout_rows, 0) as {{ dbt.type_bigint() }}) as screened_payout_rows,
        cast(coalesce(flag_figures.system_flags, 0) as {{ dbt.type_bigint() }}) as system_flags,
        cast(coalesce(flag_person_figures.flag_persons, 0) as {{ dbt.type_bigint() }}) as flag_persons,
        cast(round(coalesce(flag_figures.flag_amount_yuan, 0) / 10000, 2) as decimal(18, 2)) as flag_amount,
        cast(coalesce(suspect_figures.issued_suspects, 0) as {{ dbt.type_bigint() }}) as issued_suspects,
        cast(coalesce(case_figures.verified_count, 0) as {{ dbt.type_bigint() }}) as verified_count,
        cast(coalesce(case_figures.confirmed_count, 0) as {{ dbt.type_bigint() }}) as confirmed_count,
        cast(round(coalesce(case_figures.recovered_amount_yuan, 0) / 10000, 2) as decimal(18, 2)) as recovered_amount,
        cast(coalesce(case_figures.rectified_count, 0) as {{ dbt.type_bigint() }}) as rectified_count
    from agencies
    left join recipients on agencies.agency_code = recipients.county_code
    left join payout_figures on agencies.agency_code = payout_figures.county_code
    left join flag_figures on agencies.agency_code = flag_figures.county_code
    left join flag_person_figures on agencies.agency_code = flag_person_figures.county_code
    left join suspect_figures on agencies.agency_code = suspect_figures.county_code
    left join case_figures on agencies.agency_code = case_figures.county_code
),

-- 全市合计 = the sum of the agency rows as printed
total_row as (
    select
        'TOTAL' as agency_code,
        '全市合计' as agency_name,
        max(sort_order) + 1 as sort_order,
        cast(sum(recipients_resident) as {{ dbt.type_bigint() }}) as recipients_resident,
        cast(sum(recipients_enterprise) as {{ dbt.type_bigint() }}) as recipients_enterprise,
        cast(sum(recipients_institution) as {{ dbt.type_bigint() }}) as recipients_institution,
        cast(sum(recipients_total) as {{ dbt.type_bigint() }}) as recipients_total,
        cast(sum(paid_current_month) as decimal(18, 2)) as paid_current_month,
        cast(sum(paid_since_screen_from) as decimal(18, 2)) as paid_since_screen_from,
        cast(sum(screened_payout_rows) as {{ dbt.type_bigint() }}) as screened_payout_rows,
        cast(sum(system_flags) as {{ dbt.type_bigint() }}) as system_flags,
        cast(sum(flag_persons) as {{ dbt.type_bigint() }}) as flag_persons,
        cast(sum(flag_amount) as decimal(18, 2)) as flag_amount,
        cast(sum(issued_suspects) as {{ dbt.type_bigint() }}) as issued_suspects,
        cast(sum(verified_count) as {{ dbt.type_bigint() }}) as verified_count,
        cast(sum(confirmed_count) as {{ dbt.type_bigint() }}) as confirmed_count,
        cast(sum(recovered_amount) as decimal(18, 2)) as recovered_amount,
        cast(sum(rectified_count) as {{ dbt.type_bigint() }}) as rectified_count
    from agency_rows
),

all_rows as (
    select * from agency_rows
    union all
    select * from total_row
),

final as (
    select
        all_rows.agency_code,
        all_rows.agency_name,
        all_rows.sort_order,
        as_of_date.as_of,
        all_rows.recipients_resident,
        all_rows.recipients_enterprise,
        all_rows.recipients_institution,
        all_rows.recipients_total,
        all_rows.paid_current_month,
        all_rows.paid_since_screen_from,
        all_rows.screened_payout_rows,
        all_rows.system_flags,
        all_rows.flag_persons,
        all_rows.flag_amount,
        all_rows.issued_suspects,
        all_rows.verified_count,
        all_rows.confirmed_count,
        all_rows.recovered_amount,
        all_rows.rectified_count
    from all_rows
    cross join as_of_date
)

select * from final
