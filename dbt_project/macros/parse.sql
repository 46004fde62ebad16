{#
  Liberal value readers for the staging layer (EXTRACTS.md: surrounding spaces,
  empty string = null). Each returns null when the value cannot be read; the
  base_ models turn "present but unreadable" into a reject reason.
#}
{% macro clean(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}

{% macro parse_date(expr) -%}
    case when {{ regex_full_match(clean(expr), '[0-9]{4}-[0-9]{2}-[0-9]{2}') }}
         then {{ dbt.safe_cast(clean(expr), api.Column.translate_type('date')) }} end
{%- endmacro %}

{% macro parse_month(expr) -%}
    case when {{ regex_full_match(clean(expr), '[0-9]{4}-[0-9]{2}') }}
         then {{ dbt.safe_cast("concat(" ~ clean(expr) ~ ", '-01')", api.Column.translate_type('date')) }} end
{%- endmacro %}

{% macro parse_timestamp(expr) -%}
    case when {{ regex_full_match(clean(expr), '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}') }}
         then {{ dbt.safe_cast(clean(expr), api.Column.translate_type('timestamp')) }} end
{%- endmacro %}

{# Amount in yuan, up to 2 decimals; negative only when allow_negative. #}
{% macro parse_amount(expr, allow_negative=false) -%}
    case when {{ regex_full_match(clean(expr), ('-?' if allow_negative else '') ~ '[0-9]+([.][0-9]{1,2})?') }}
         then cast({{ clean(expr) }} as decimal(18, 2)) end
{%- endmacro %}

{# Reject reason for one value: unreadable when present but not parsed, missing when required. #}
{% macro check_value(raw_expr, parsed_expr, column, required=true) -%}
    when {{ clean(raw_expr) }} is {% if required %}null then '{{ column }}: missing'
    when {{ clean(raw_expr) }} is {% endif %}not null and {{ parsed_expr }} is null
        then concat('{{ column }}: cannot read ', {{ clean(raw_expr) }})
{%- endmacro %}

{# Reject reason for a code outside its code set. #}
{% macro check_code(raw_expr, column, codes, required=true) -%}
    {%- if required %}
    when {{ clean(raw_expr) }} is null then '{{ column }}: missing'
    {%- endif %}
    when {{ clean(raw_expr) }} is not null and {{ clean(raw_expr) }} not in ({% for c in codes %}'{{ c }}'{% if not loop.last %}, {% endif %}{% endfor %})
        then concat('{{ column }}: code outside its code set: ', {{ clean(raw_expr) }})
{%- endmacro %}

{#
  The Chinese form of a reject reason (marts.data_quality_exceptions.reason_zh), for the
  county users; the technical `reason` stays beside it for the data team. Covers every
  reason the staging layer makes: check_value / check_code above ('<col>: missing',
  '<col>: cannot read <v>', '<col>: code outside its code set: <v>'), the base models'
  '<col>: missing key', 'repeated key within the file (<k>[+<k>…])', 'amount: negative
  outside 调整补差: <v>', 'period_from after period_to: <a> > <b>', and the loader's
  'malformed CSV line: …'. Column names in Chinese from seeds/column_names.csv (via the
  names map, macros/explanations.sql names_map: relation `names`). A reason of another
  shape keeps its technical text after 其他问题：.
#}
{% macro reason_zh(reason_expr, file_expr) -%}
    {%- set col1 = "regexp_extract(" ~ reason_expr ~ ", '^([a-z_]+)[ :]', 1)" -%}
    {%- set col_zh = "coalesce(" ~ map_lookup('names.m', "concat('column:', " ~ file_expr ~ ", ':', " ~ col1 ~ ")") ~ ", " ~ col1 ~ ")" -%}
    {%- set rest = "regexp_extract(" ~ reason_expr ~ ", '^.*: (.*)$', 1)" -%}
    {%- set keys = "regexp_extract(" ~ reason_expr ~ ", '[(]([a-z_+]+)[)]$', 1)" -%}
    {%- set key_names = [] -%}
    {%- for k in range(1, 4) -%}
        {%- set part = dbt.split_part(keys, "'+'", k) -%}
        {%- do key_names.append("case when " ~ part ~ " <> '' then coalesce(" ~ map_lookup('names.m', "concat('column:', " ~ file_expr ~ ", ':', " ~ part ~ ")") ~ ", " ~ part ~ ") end") -%}
    {%- endfor -%}
    case
        when {{ reason_expr }} is null then null
        when {{ regex_full_match(reason_expr, '[a-z_]+: missing key') }}
            then concat({{ col_zh }}, '（主键）为空')
        when {{ regex_full_match(reason_expr, '[a-z_]+: missing') }}
            then concat({{ col_zh }}, '为空（必填项）')
        when {{ regex_full_match(reason_expr, '[a-z_]+: cannot read .*') }}
            then concat({{ col_zh }}, '无法识别：', regexp_extract({{ reason_expr }}, '^[a-z_]+: cannot read (.*)$', 1))
        when {{ regex_full_match(reason_expr, '[a-z_]+: code outside its code set: .*') }}
            then concat({{ col_zh }}, '不在代码表内：', regexp_extract({{ reason_expr }}, '^[a-z_]+: code outside its code set: (.*)$', 1))
        when {{ regex_full_match(reason_expr, 'repeated key within the file [(][a-z_+]+[)]') }}
            then concat('文件内主键重复（', concat_ws('+', {{ key_names | join(', ') }}), '），保留第一行')
        when {{ regex_full_match(reason_expr, 'amount: negative outside 调整补差: .*') }}
            then concat('发放金额为负数，但发放类型不是调整补差：', {{ rest }})
        when {{ regex_full_match(reason_expr, 'period_from after period_to: .*') }}
            then concat('所属期起晚于所属期止：', {{ rest }})
        when {{ regex_full_match(reason_expr, 'malformed CSV line: .*') }}
            then '该行无法按约定的列拆分（列数或引号不符），整行未读入'
        else concat('其他问题：', {{ reason_expr }})
    end
{%- endmacro %}
