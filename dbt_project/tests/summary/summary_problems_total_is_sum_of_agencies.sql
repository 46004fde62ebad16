{# 附件2: for every 问题项, the TOTAL row (全市合计) equals the sum of the 8 agency rows,
   and every agency (and TOTAL) has every item (29 rules + the checklist). #}
{%- set figures = ['problem_count', 'persons_involved', 'amount_involved', 'verified_count', 'confirmed_count',
                   'rectified_count', 'rectifying_count', 'not_rectified_count', 'recovered_amount'] %}
with summary as (
    select * from {{ ref('summary_problems') }}
),

expected_items as (
    select count(*) as item_count from (
        select rule_code as item_code from {{ ref('rule_catalogue') }}
        union all
        select item_code from {{ ref('checklist_items') }}
    ) items
),

rows_per_agency as (
    select agency_code, count(*) as item_count
    from summary
    group by agency_code
),

agency_sums as (
    select
        item_code,
        {%- for f in figures %}
        sum({{ f }}) as {{ f }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from summary
    where agency_code <> 'TOTAL'
    group by item_code
),

total_rows as (
    select * from summary where agency_code = 'TOTAL'
),

final as (
    select rows_per_agency.agency_code as item_code, 'item_count' as figure,
           cast(rows_per_agency.item_count as decimal(18, 2)) as agency_sum,
           cast(expected_items.item_count as decimal(18, 2)) as total
    from rows_per_agency
    cross join expected_items
    where rows_per_agency.item_count <> expected_items.item_count
    union all
    select 'agencies' as item_code, 'agency_count' as figure, cast(count(*) as decimal(18, 2)), cast(9 as decimal(18, 2))
    from rows_per_agency
    having count(*) <> 9
    {%- for f in figures %}
    union all
    select agency_sums.item_code, '{{ f }}' as figure,
           cast(agency_sums.{{ f }} as decimal(18, 2)), cast(total_rows.{{ f }} as decimal(18, 2))
    from agency_sums
    inner join total_rows on agency_sums.item_code = total_rows.item_code
    where agency_sums.{{ f }} is distinct from total_rows.{{ f }}
    {%- endfor %}
)

select * from final
