{#
  Explanations of the flags (marts.risk_flags.explanation), see
  models/intermediate/flags/int_flag_explanations.sql.

  The wording lives in ONE place a policy officer edits: seeds/explanation_templates.csv
  (one template per rule with {占位符} placeholders and optional [ … ] segments).
  This file only says what each placeholder of a rule holds: a value read from the
  flag's evidence (JSON), formatted for a county verifier (dates 2020年1月20日, months
  2020年2月, month spans 2020年2月至3月, yuan 1,234.50元, codes as their Chinese names
  from seeds/code_names.csv, agency names from seeds/agencies.csv).

  Template language (fill_template):
    {名称}      replaced by the placeholder's value; a placeholder without a value
                prints （不详）.
    [ … ]       printed only when every placeholder inside it has a value; the
                brackets themselves never print. Segments do not nest.
#}

{# ---------- formatting (portable SQL; text in, text out, null stays null) ---------- #}

{% macro ev(path) -%}
    {{ json_value('flags.evidence', path) }}
{%- endmacro %}

{% macro zh_int_text(expr) -%}
    cast(cast({{ expr }} as {{ dbt.type_int() }}) as {{ dbt.type_string() }})
{%- endmacro %}

{# 'YYYY-MM-DD…' -> 2020年1月20日 #}
{% macro zh_date(text_expr) -%}
    case when {{ text_expr }} is not null then concat(
        substring({{ text_expr }}, 1, 4), '年',
        {{ zh_int_text('substring(' ~ text_expr ~ ', 6, 2)') }}, '月',
        {{ zh_int_text('substring(' ~ text_expr ~ ', 9, 2)') }}, '日') end
{%- endmacro %}

{# 'YYYY-MM…' -> 2020年2月 #}
{% macro zh_month(text_expr) -%}
    case when {{ text_expr }} is not null then concat(
        substring({{ text_expr }}, 1, 4), '年',
        {{ zh_int_text('substring(' ~ text_expr ~ ', 6, 2)') }}, '月') end
{%- endmacro %}

{# two 'YYYY-MM' -> 2020年2月 / 2020年2月至3月 / 2020年11月至2021年2月 #}
{% macro zh_month_span(from_expr, to_expr) -%}
    case
        when {{ from_expr }} is null then null
        when {{ to_expr }} is null or substring({{ from_expr }}, 1, 7) = substring({{ to_expr }}, 1, 7)
            then {{ zh_month(from_expr) }}
        when substring({{ from_expr }}, 1, 4) = substring({{ to_expr }}, 1, 4)
            then concat({{ zh_month(from_expr) }}, '至', {{ zh_int_text('substring(' ~ to_expr ~ ', 6, 2)') }}, '月')
        else concat({{ zh_month(from_expr) }}, '至', {{ zh_month(to_expr) }})
    end
{%- endmacro %}

{# 'YYYY-MM-DD HH:MM:SS' -> 2021年2月13日 22:30 #}
{% macro zh_time(text_expr) -%}
    case when {{ text_expr }} is not null then concat({{ zh_date(text_expr) }}, ' ', substring({{ text_expr }}, 12, 5)) end
{%- endmacro %}

{# a number of yuan -> 1,234.50元 #}
{% macro zh_yuan(number_expr) -%}
    case when {{ number_expr }} is not null then concat({{ format_thousands(number_expr) }}, '元') end
{%- endmacro %}

{# One map of every Chinese name, as a one-row relation with column m (cross join it as `names`):
   'code_set:code' -> name (seeds/code_names.csv), 'agency:340403' -> 田家庵区 (seeds/agencies.csv),
   'column:payouts.csv:paid_on' -> 支付日期 (seeds/column_names.csv). #}
{% macro names_map() -%}
    select {{ map_agg('name_key', 'name') }} as m
    from (
        select concat(code_set, ':', code) as name_key, name from {{ ref('code_names') }}
        union all
        select concat('agency:', agency_code) as name_key, agency_name as name from {{ ref('agencies') }}
        union all
        select concat('column:', file, ':', column_name) as name_key, name_zh as name from {{ ref('column_names') }}
    ) as all_names
{%- endmacro %}

{# a code -> its Chinese name (seeds/code_names.csv, code_set; 'agency' = seeds/agencies.csv) #}
{% macro code_name(code_set, code_expr) -%}
    {{ map_lookup('names.m', "concat('" ~ code_set ~ ":', " ~ code_expr ~ ")") }}
{%- endmacro %}

{# the Chinese name of a raw file's column (seeds/column_names.csv), the column itself when unknown #}
{% macro column_zh(file_expr, column_expr) -%}
    coalesce({{ map_lookup('names.m', "concat('column:', " ~ file_expr ~ ", ':', " ~ column_expr ~ ")") }}, {{ column_expr }})
{%- endmacro %}

{# last 4 characters of an account or card number #}
{% macro tail4(text_expr) -%}
    {{ dbt.right(text_expr, 4) }}
{%- endmacro %}

{# items joined with sep (nulls skipped); null when no item has a value #}
{% macro zh_join(items, sep='、') -%}
    nullif(concat_ws('{{ sep }}', {{ items | join(', ') }}), '')
{%- endmacro %}

{# the first n elements of a JSON array, each formatted by fmt (a macro taking the element's
   text expression), joined; '…等N<unit>' when the array is longer (count_path: a count in the
   evidence; without it the list is cut silently at n) #}
{% macro ev_list(array_path, n, fmt, count_path=none, unit='', sep='、', field=none) -%}
    {%- set items = [] -%}
    {%- for i in range(n) -%}
        {%- set p = array_path ~ '[' ~ i ~ ']' ~ ('.' ~ field if field else '') -%}
        {%- do items.append(fmt(ev(p))) -%}
    {%- endfor -%}
    {%- if count_path -%}
    case when cast({{ ev(count_path) }} as {{ dbt.type_int() }}) > {{ n }}
         then concat({{ zh_join(items, sep) }}, '等', {{ ev(count_path) }}, '{{ unit }}')
         else {{ zh_join(items, sep) }} end
    {%- else -%}
    {{ zh_join(items, sep) }}
    {%- endif -%}
{%- endmacro %}

{% macro as_is(expr) -%}{{ expr }}{%- endmacro %}
{% macro role_name(expr) -%}{{ code_name('role', expr) }}{%- endmacro %}
{% macro scheme_name(expr) -%}{{ code_name('scheme', expr) }}{%- endmacro %}
{% macro account_tail(expr) -%}{{ tail4(expr) }}{%- endmacro %}
{% macro role_pair(expr) -%}
    case when {{ expr }} is not null then concat(
        {{ role_name(dbt.split_part(expr, "'+'", 1)) }}, '与', {{ role_name(dbt.split_part(expr, "'+'", 2)) }}) end
{%- endmacro %}

{# 'A' when the condition holds, else null (for code lists built from booleans) #}
{% macro when_true(cond, value) -%}
    case when {{ cond }} then {{ value }} end
{%- endmacro %}

{# ---------- the template language ---------- #}

{#
  fill_template(template_expr, placeholders): placeholders is a list of (name, value_expr).
  1. a placeholder without a value is marked (chr(1)); 2. every [ … ] segment holding a
  mark is dropped; 3. the remaining brackets go; 4. a mark left outside any segment
  prints （不详）; 5. the placeholders with values are filled in.
#}
{% macro fill_template(template_expr, placeholders) -%}
    {%- set marked = namespace(sql=template_expr) -%}
    {%- for name, value in placeholders -%}
        {%- set marked.sql = "replace(" ~ marked.sql ~ ", '{" ~ name ~ "}', case when (" ~ value ~ ") is null then chr(1) else '{" ~ name ~ "}' end)" -%}
    {%- endfor -%}
    {%- set filled = namespace(sql="replace(replace(replace(" ~ drop_marked_segments(marked.sql) ~ ", '[', ''), ']', ''), chr(1), '（不详）')") -%}
    {%- for name, value in placeholders -%}
        {%- set filled.sql = "replace(" ~ filled.sql ~ ", '{" ~ name ~ "}', coalesce(" ~ value ~ ", ''))" -%}
    {%- endfor -%}
    {{ filled.sql }}
{%- endmacro %}
