{#
  Helpers for the payout-based rules (R01-R05, R07, R10-R12, R27, R28) and the
  shared-account clusters. Engine-specific SQL sits behind adapter.dispatch so the
  same models run on DuckDB (default__) and Spark (spark__).
#}

{#
  JSON object text whose values may themselves be JSON text.
  pairs: list of [key, expr] (a scalar: number, text, date, null) or
  [key, expr, 'json'] (expr already is JSON text, e.g. from json_array_agg;
  embedded as JSON, not as a quoted string).
#}
{% macro json_obj_nested(pairs) -%}
    {{ return(adapter.dispatch('json_obj_nested', 'pension_risk')(pairs)) }}
{%- endmacro %}

{% macro default__json_obj_nested(pairs) -%}
    cast(json_object(
        {%- for p in pairs %}
        '{{ p[0] }}', {% if p | length > 2 and p[2] == 'json' %}json({{ p[1] }}){% else %}{{ p[1] }}{% endif %}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}

{% macro spark__json_obj_nested(pairs) -%}
    concat('{'
        {%- for p in pairs %}
        , '{{ "," if not loop.first else "" }}"{{ p[0] }}":'
        {%- if p | length > 2 and p[2] == 'json' %}
        , coalesce({{ p[1] }}, 'null')
        {%- else %}
        , coalesce(nullif(regexp_extract(to_json(named_struct('v', {{ p[1] }})), '^\\{"v":(.*)\\}$', 1), ''), 'null')
        {%- endif %}
        {%- endfor %}
        , '}')
{%- endmacro %}

{#
  Aggregate JSON texts (objects or scalars already rendered as JSON) into one JSON
  array text, ordered by order_exprs (one expression or a list of expressions).
#}
{% macro json_array_agg(json_expr, order_exprs) -%}
    {%- set orders = [order_exprs] if order_exprs is string else order_exprs -%}
    {{ return(adapter.dispatch('json_array_agg', 'pension_risk')(json_expr, orders)) }}
{%- endmacro %}

{% macro default__json_array_agg(json_expr, orders) -%}
    cast(to_json(list(json({{ json_expr }}) order by {{ orders | join(', ') }})) as varchar)
{%- endmacro %}

{% macro spark__json_array_agg(json_expr, orders) -%}
    concat('[', array_join(transform(array_sort(collect_list(struct(
        {%- for o in orders %}{{ o }} as k{{ loop.index }}, {% endfor %}{{ json_expr }} as v))), e -> e.v), ','), ']')
{%- endmacro %}

{# A scalar (text, number, date) rendered as JSON text, for json_array_agg of scalars. #}
{% macro json_scalar(expr) -%}
    {{ return(adapter.dispatch('json_scalar', 'pension_risk')(expr)) }}
{%- endmacro %}

{% macro default__json_scalar(expr) -%}
    cast(to_json({{ expr }}) as varchar)
{%- endmacro %}

{% macro spark__json_scalar(expr) -%}
    coalesce(nullif(regexp_extract(to_json(named_struct('v', {{ expr }})), '^\\{"v":(.*)\\}$', 1), ''), 'null')
{%- endmacro %}

{#
  The integers 0 .. 10^digits - 1 as a subquery with one column `n` (portable:
  unions of literals cross joined, no generate_series). Used to expand a payout
  into its covered months; 3 digits = up to 1000 months (83 years) per payout.
#}
{% macro integers_below_power_of_ten(digits=3) -%}
    (
        select
            {%- for i in range(digits) %}
            d{{ i }}.n * {{ 10 ** i }}{% if not loop.last %} +{% endif %}
            {%- endfor %} as n
        from
            {%- for i in range(digits) %}
            (
                {%- for d in range(10) %}
                select {{ d }} as n{% if not loop.last %} union all{% endif %}
                {%- endfor %}
            ) as d{{ i }}{% if not loop.last %} cross join{% endif %}
            {%- endfor %}
    )
{%- endmacro %}

{#
  The covered months of the paid payouts (int_payouts_screened, is_paid): one row per payout and
  month from period_from to period_to inclusive, with the per-month amount (amount / number of
  covered months, unrounded; rules round their sums). The one definition of the expansion: the
  view int_payouts_covered_months (every paid payout) and the rules R01, R10 and R27, each for
  the persons it looks at (of_persons: a query giving person_ids; the deceased, the imprisoned,
  the ids paid under several benefits). The payouts are narrowed before they are expanded: DuckDB
  does not push a filter on the person through the join that expands a payout, so a rule reading
  the view expanded all 28 M payouts of 1,000,000 persons into 36.6 M rows before keeping a few
  thousand.
#}
{% macro paid_covered_months(of_persons=none) -%}
    select
        paid_payouts.payout_id,
        paid_payouts.benefit_id,
        paid_payouts.person_id,
        paid_payouts.account_no,
        paid_payouts.payout_type,
        paid_payouts.pay_month,
        paid_payouts.period_from,
        paid_payouts.period_to,
        paid_payouts.paid_on,
        paid_payouts.amount,
        paid_payouts.covered_month_count,
        {{ add_months('paid_payouts.period_from', 'month_offsets.n') }} as covered_month,
        paid_payouts.amount / paid_payouts.covered_month_count as per_month_amount
    from (
        select * from {{ ref('int_payouts_screened') }}
        where is_paid
        {%- if of_persons %}
          and person_id in ({{ of_persons }})
        {%- endif %}
    ) as paid_payouts
    inner join {{ integers_below_power_of_ten(3) }} as month_offsets
        on month_offsets.n < paid_payouts.covered_month_count
{%- endmacro %}

{# Yuan amount with 2 decimals (rounding half away from zero on the exact sum). #}
{% macro to_yuan(expr) -%}
    cast(round({{ expr }}, 2) as decimal(18, 2))
{%- endmacro %}

{# Number of months from start_month to end_month inclusive (both month-start dates). #}
{% macro months_inclusive(start_month, end_month) -%}
    ({{ month_index(end_month) }} - {{ month_index(start_month) }} + 1)
{%- endmacro %}

{#
  R02 / R03 (death suspension / termination followed by resumption or payment).
  kind: 'suspension' (status 2, reason 1203) or 'termination' (status 4, reason 1401),
  see int_benefits_death_changes. A change qualifies when a strictly later change of
  the benefit to status 1 exists, or a paid payout of the benefit (of
  trigger_payout_type when set) has pay_month <trigger_month_comparison> the change
  month. Per benefit the earliest qualifying change sets the month; amount = paid
  payouts of that benefit with pay_month > that month; one flag per person.
#}
{% macro flag_resumed_after_death_change(rule_code, kind, trigger_payout_type, trigger_month_comparison) -%}
with death_changes as (
    select * from {{ ref('int_benefits_death_changes') }}
    where change_kind = '{{ kind }}'
),

-- every reader below joins them to a death change's benefit: narrowed to those benefits here, so
-- the CTE DuckDB materializes (it is read three times) holds thousands of rows, not 28 M
paid_payouts as (
    select * from {{ ref('int_payouts_screened') }}
    where is_paid
      and benefit_id in (select death_changes.benefit_id from death_changes)
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

benefits as (
    select * from {{ ref('int_benefits_current') }}
),

payout_triggers as (
    select
        death_changes.change_id,
        min(paid_payouts.payout_id) as trigger_payout_id,
        count(*) as trigger_payout_count
    from death_changes
    inner join paid_payouts
        on paid_payouts.benefit_id = death_changes.benefit_id
        {%- if trigger_payout_type %}
        and paid_payouts.payout_type = '{{ trigger_payout_type }}'
        {%- endif %}
        and paid_payouts.pay_month {{ trigger_month_comparison }} death_changes.change_month
    group by death_changes.change_id
),

qualifying as (
    select
        death_changes.*,
        payout_triggers.trigger_payout_id,
        coalesce(payout_triggers.trigger_payout_count, 0) as trigger_payout_count,
        row_number() over (
            partition by death_changes.benefit_id
            order by death_changes.operated_at, death_changes.change_id
        ) as change_rank
    from death_changes
    left join payout_triggers on death_changes.change_id = payout_triggers.change_id
    where death_changes.resume_change_id is not null
       or payout_triggers.change_id is not null
),

flagged_benefits as (
    select * from qualifying where change_rank = 1
),

payouts_after as (
    select
        flagged_benefits.benefit_id,
        count(paid_payouts.payout_id) as payout_count,
        coalesce(sum(paid_payouts.amount), 0) as amount_after,
        min(paid_payouts.pay_month) as first_pay_month_after,
        max(paid_payouts.pay_month) as last_pay_month_after
    from flagged_benefits
    left join paid_payouts
        on paid_payouts.benefit_id = flagged_benefits.benefit_id
        and paid_payouts.pay_month > flagged_benefits.change_month
    group by flagged_benefits.benefit_id
),

-- the accounts the payouts after the change went to, per person (for the explanation)
accounts_after as (
    select
        person_id,
        {{ json_array_agg(json_scalar('account_no'), 'account_no') }} as accounts
    from (
        select distinct flagged_benefits.person_id, paid_payouts.account_no
        from flagged_benefits
        inner join paid_payouts
            on paid_payouts.benefit_id = flagged_benefits.benefit_id
            and paid_payouts.pay_month > flagged_benefits.change_month
    ) as distinct_accounts
    group by person_id
),

per_person as (
    select
        flagged_benefits.person_id,
        sum(payouts_after.amount_after) as amount_after,
        {{ json_array_agg(
            json_obj([
                ('benefit_id', 'flagged_benefits.benefit_id'),
                ('scheme_code', 'benefits.scheme_code'),
                ('change_id', 'flagged_benefits.change_id'),
                ('reason_code', 'flagged_benefits.reason_code'),
                ('operated_at', 'cast(flagged_benefits.operated_at as ' ~ dbt.type_string() ~ ')'),
                (kind ~ '_month', format_month('flagged_benefits.change_month')),
                ('later_change_to_status_1', 'flagged_benefits.resume_change_id'),
                ('later_change_at', 'cast(flagged_benefits.resumed_at as ' ~ dbt.type_string() ~ ')'),
                ('triggering_paid_payouts', 'flagged_benefits.trigger_payout_count'),
                ('paid_payouts_after_' ~ kind ~ '_month', 'payouts_after.payout_count'),
                ('amount_paid_after_' ~ kind ~ '_month', to_yuan('payouts_after.amount_after')),
                ('first_pay_month_after', format_month('payouts_after.first_pay_month_after')),
                ('last_pay_month_after', format_month('payouts_after.last_pay_month_after'))
            ]),
            'flagged_benefits.benefit_id'
        ) }} as benefits
    from flagged_benefits
    inner join payouts_after on flagged_benefits.benefit_id = payouts_after.benefit_id
    left join benefits on flagged_benefits.benefit_id = benefits.benefit_id
    group by flagged_benefits.person_id
),

final as (
    select
        '{{ rule_code }}' as rule_code,
        'person_id' as subject_type,
        per_person.person_id as subject_id,
        per_person.person_id,
        persons.county_code,
        {{ to_yuan('per_person.amount_after') }} as amount,
        {{ json_obj_nested([
            ('person_id', 'per_person.person_id'),
            ('name', 'persons.name'),
            ('benefits', 'per_person.benefits', 'json'),
            ('accounts', 'accounts_after.accounts', 'json')
        ]) }} as evidence
    from per_person
    inner join persons on per_person.person_id = persons.person_id
    left join accounts_after on per_person.person_id = accounts_after.person_id
)

select * from final
{%- endmacro %}

{#
  Share of a payout's amount that falls on k of its n covered months
  (amount x k / n), divided once per payout and kept as an exact-enough decimal
  (8 places) so that sums are exact and a half cent rounds away from zero at the
  end (to_yuan), as summing rounded per-month doubles would not.
#}
{% macro payout_share(amount, k, n) -%}
    cast({{ amount }} * {{ k }} / {{ n }} as decimal(38, 8))
{%- endmacro %}
