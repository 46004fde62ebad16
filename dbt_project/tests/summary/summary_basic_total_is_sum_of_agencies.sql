{# 附件1: the TOTAL row (全市合计) equals the sum of the 8 agency rows, column by column,
   and there are exactly 8 agency rows. Returns the offending columns. #}
{%- set figures = ['recipients_resident', 'recipients_enterprise', 'recipients_institution', 'recipients_total',
                   'paid_current_month', 'paid_since_screen_from', 'screened_payout_rows', 'system_flags',
                   'flag_persons', 'flag_amount', 'issued_suspects', 'verified_count', 'confirmed_count',
                   'recovered_amount', 'rectified_count'] %}
with summary as (
    select * from {{ ref('summary_basic') }}
),

agency_sums as (
    select
        count(*) as agency_rows,
        {%- for f in figures %}
        sum({{ f }}) as {{ f }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from summary
    where agency_code <> 'TOTAL'
),

total_row as (
    select * from summary where agency_code = 'TOTAL'
),

final as (
    select 'agency_rows' as figure, cast(agency_rows as decimal(18, 2)) as agency_sum, cast(8 as decimal(18, 2)) as total
    from agency_sums
    where agency_rows <> 8
    {%- for f in figures %}
    union all
    select '{{ f }}' as figure, cast(agency_sums.{{ f }} as decimal(18, 2)), cast(total_row.{{ f }} as decimal(18, 2))
    from agency_sums
    cross join total_row
    where agency_sums.{{ f }} <> total_row.{{ f }}
    {%- endfor %}
)

select * from final
