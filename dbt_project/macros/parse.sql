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
