{# A figure both tables show is the same in both (INTERFACE.md): every agency's and the
   全市合计's 附件2 合计 涉及金额 equals its 附件1 涉及金额, and the 全市合计 sheet's 合计
   row is the sum of the agency 合计 rows. Returns the offending rows. #}
{%- set figures = ['problem_count', 'persons_involved', 'amount_involved', 'verified_count', 'confirmed_count',
                   'rectified_count', 'rectifying_count', 'not_rectified_count', 'recovered_amount'] %}
with totals as (
    select * from {{ ref('summary_problems_totals') }}
),

basic as (
    select * from {{ ref('summary_basic') }}
),

agency_sums as (
    select
        {%- for f in figures %}
        sum({{ f }}) as {{ f }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from totals
    where agency_code <> 'TOTAL'
),

final as (
    select totals.agency_code, 'amount_involved vs 附件1 flag_amount' as figure,
           totals.amount_involved as sheet_total, basic.flag_amount as other
    from totals
    full outer join basic on totals.agency_code = basic.agency_code
    where totals.amount_involved is null or basic.flag_amount is null or totals.amount_involved <> basic.flag_amount
    {%- for f in figures %}
    union all
    select 'TOTAL', '{{ f }} = sum of the agency 合计 rows',
           cast(totals.{{ f }} as decimal(18, 2)), cast(agency_sums.{{ f }} as decimal(18, 2))
    from totals
    cross join agency_sums
    where totals.agency_code = 'TOTAL' and totals.{{ f }} <> agency_sums.{{ f }}
    {%- endfor %}
)

select * from final
