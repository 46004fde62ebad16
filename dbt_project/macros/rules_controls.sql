{#
  Helpers of the control rules (R06, R08, R09, R13–R26, R29) and risk_flags.
  Engine-specific pieces sit behind adapter.dispatch so the models run on DuckDB
  and on Spark.
#}

{# Text form of any value (timestamps as 'YYYY-MM-DD HH:MM:SS' on both engines). #}
{% macro as_text(expr) -%}
    cast({{ expr }} as {{ dbt.type_string() }})
{%- endmacro %}

{# Calendar day of a timestamp. #}
{% macro day_of(ts_expr) -%}
    cast({{ ts_expr }} as date)
{%- endmacro %}

{# Last day of the month of a date (month given as its first day or any day). #}
{% macro month_end(date_expr) -%}
    {{ add_days(add_months(month_start(date_expr), 1), -1) }}
{%- endmacro %}

{# True for Monday–Friday: the fallback for dates the work_calendar seed does not
   cover. 2018-12-31 was a Monday; day index 0..4 = Monday..Friday. #}
{% macro is_weekday(date_expr) -%}
    (mod(mod({{ dbt.datediff("cast('2018-12-31' as date)", date_expr, 'day') }}, 7) + 7, 7) < 5)
{%- endmacro %}

{# Working time (RULES.md): an official working day and local time in
   [work_start_hour, work_end_hour). is_working_day_expr may be null (date not in
   the calendar): then Monday–Friday counts as a working day. #}
{% macro is_working_time(ts_expr, is_working_day_expr) -%}
    (coalesce({{ is_working_day_expr }}, {{ is_weekday(day_of(ts_expr)) }})
     and {{ hour_of(ts_expr) }} >= {{ var('work_start_hour') }}
     and {{ hour_of(ts_expr) }} < {{ var('work_end_hour') }})
{%- endmacro %}

{# Union of the rule models with the common output columns, in a fixed order. #}
{% macro union_rule_models(model_names) -%}
    {%- for m in model_names %}
    select
        rule_code,
        subject_type,
        {{ as_text('subject_id') }} as subject_id,
        person_id,
        county_code,
        cast(amount as decimal(18, 2)) as amount,
        evidence
    from {{ ref(m) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
