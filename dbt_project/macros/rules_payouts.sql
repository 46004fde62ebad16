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

{# Yuan amount with 2 decimals (rounding half away from zero on the exact sum). #}
{% macro to_yuan(expr) -%}
    cast(round({{ expr }}, 2) as decimal(18, 2))
{%- endmacro %}

{# Number of months from start_month to end_month inclusive (both month-start dates). #}
{% macro months_inclusive(start_month, end_month) -%}
    ({{ month_index(end_month) }} - {{ month_index(start_month) }} + 1)
{%- endmacro %}
