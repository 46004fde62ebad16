{# Engine-specific SQL behind adapter.dispatch, so models run on DuckDB and Spark. #}

{# True when the whole string matches the regular expression. #}
{% macro regex_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'pension_risk')(expr, pattern)) }}
{%- endmacro %}
{% macro default__regex_full_match(expr, pattern) -%}
    regexp_matches({{ expr }}, '^(?:{{ pattern }})$')
{%- endmacro %}
{% macro spark__regex_full_match(expr, pattern) -%}
    ({{ expr }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

{# Months since year 0: month arithmetic without engine date functions. #}
{% macro month_index(date_expr) -%}
    (extract(year from {{ date_expr }}) * 12 + extract(month from {{ date_expr }}) - 1)
{%- endmacro %}

{# First day of the month of a date or timestamp. #}
{% macro month_start(expr) -%}
    cast({{ dbt.date_trunc('month', expr) }} as date)
{%- endmacro %}

{# Date n months before / after (n may be negative). #}
{% macro add_months(date_expr, n) -%}
    cast({{ dbt.dateadd('month', n, date_expr) }} as date)
{%- endmacro %}

{% macro add_days(date_expr, n) -%}
    cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}

{# Format a date as YYYY-MM (for evidence text). #}
{% macro format_month(date_expr) -%}
    {{ return(adapter.dispatch('format_month', 'pension_risk')(date_expr)) }}
{%- endmacro %}
{% macro default__format_month(date_expr) -%}
    strftime({{ date_expr }}, '%Y-%m')
{%- endmacro %}
{% macro spark__format_month(date_expr) -%}
    date_format({{ date_expr }}, 'yyyy-MM')
{%- endmacro %}

{# Hour of day of a timestamp, integer. #}
{% macro hour_of(ts_expr) -%}
    extract(hour from {{ ts_expr }})
{%- endmacro %}

{# JSON object text from key/value pairs: json_object('k', v, ...) on both engines
   (Spark: to_json(named_struct(...))). #}
{% macro json_obj(pairs) -%}
    {{ return(adapter.dispatch('json_obj', 'pension_risk')(pairs)) }}
{%- endmacro %}
{% macro default__json_obj(pairs) -%}
    cast(json_object({% for k, v in pairs %}'{{ k }}', {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}) as varchar)
{%- endmacro %}
{% macro spark__json_obj(pairs) -%}
    to_json(named_struct({% for k, v in pairs %}'{{ k }}', {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}

{# Aggregate values into a JSON array text, ordered by order_expr. #}
{% macro json_agg_ordered(value_expr, order_expr) -%}
    {{ return(adapter.dispatch('json_agg_ordered', 'pension_risk')(value_expr, order_expr)) }}
{%- endmacro %}
{% macro default__json_agg_ordered(value_expr, order_expr) -%}
    cast(to_json(list({{ value_expr }} order by {{ order_expr }})) as varchar)
{%- endmacro %}
{% macro spark__json_agg_ordered(value_expr, order_expr) -%}
    to_json(transform(array_sort(collect_list(struct({{ order_expr }} as k, {{ value_expr }} as v))), x -> x.v))
{%- endmacro %}

{# md5 hex of a string. #}
{% macro md5_hex(expr) -%}
    {{ dbt.hash(expr) }}
{%- endmacro %}

{# dbt-duckdb's safe_cast is a plain cast, which fails on "2019-02-30": use try_cast
   so an impossible date is null (and its row rejected) instead of failing the build. #}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{# ---- explanations (macros/explanations.sql) ---- #}

{# A scalar of a JSON text at a JSONPath ('$.a.b[0]') as text; null when absent or JSON null. #}
{% macro json_value(json_expr, path) -%}
    {{ return(adapter.dispatch('json_value', 'pension_risk')(json_expr, path)) }}
{%- endmacro %}
{% macro default__json_value(json_expr, path) -%}
    json_extract_string({{ json_expr }}, '{{ path }}')
{%- endmacro %}
{% macro spark__json_value(json_expr, path) -%}
    get_json_object({{ json_expr }}, '{{ path }}')
{%- endmacro %}

{# One map value built from (key, value) rows, and a lookup in it (null when the key is absent). #}
{% macro map_agg(key_expr, value_expr) -%}
    {{ return(adapter.dispatch('map_agg', 'pension_risk')(key_expr, value_expr)) }}
{%- endmacro %}
{% macro default__map_agg(key_expr, value_expr) -%}
    map(list({{ key_expr }}), list({{ value_expr }}))
{%- endmacro %}
{% macro spark__map_agg(key_expr, value_expr) -%}
    map_from_entries(collect_list(struct({{ key_expr }}, {{ value_expr }})))
{%- endmacro %}

{% macro map_lookup(map_expr, key_expr) -%}
    {{ return(adapter.dispatch('map_lookup', 'pension_risk')(map_expr, key_expr)) }}
{%- endmacro %}
{% macro default__map_lookup(map_expr, key_expr) -%}
    map_extract_value({{ map_expr }}, {{ key_expr }})
{%- endmacro %}
{% macro spark__map_lookup(map_expr, key_expr) -%}
    try_element_at({{ map_expr }}, {{ key_expr }})
{%- endmacro %}

{# Remove every [ … ] segment of a text that contains the marker chr(1) (segments do not nest). #}
{% macro drop_marked_segments(text_expr) -%}
    {{ return(adapter.dispatch('drop_marked_segments', 'pension_risk')(text_expr)) }}
{%- endmacro %}
{% macro default__drop_marked_segments(text_expr) -%}
    regexp_replace({{ text_expr }}, concat('\[[^\[\]]*', chr(1), '[^\[\]]*\]'), '', 'g')
{%- endmacro %}
{% macro spark__drop_marked_segments(text_expr) -%}
    regexp_replace({{ text_expr }}, concat('\\[[^\\[\\]]*', chr(1), '[^\\[\\]]*\\]'), '')
{%- endmacro %}

{# A number with thousands separators and 2 decimals: 1234.5 -> '1,234.50' (text). #}
{% macro format_thousands(number_expr) -%}
    {{ return(adapter.dispatch('format_thousands', 'pension_risk')(number_expr)) }}
{%- endmacro %}
{% macro default__format_thousands(number_expr) -%}
    format('{:,.2f}', cast({{ number_expr }} as double))
{%- endmacro %}
{% macro spark__format_thousands(number_expr) -%}
    format_number(cast({{ number_expr }} as decimal(18, 2)), 2)
{%- endmacro %}
