{#
  公民身份号码 normalization (GB 11643-1999), EXTRACTS.md:
  trim, upper-case, upgrade 15 -> 18 (insert '19' before YYMMDD, compute the check
  character), and verify the check character (ISO 7064 MOD 11-2).
  normalize_id(x) returns the normalized 18-character number, or null when the
  number cannot be read or fails its check.
#}
{% macro id_check_char(first17) -%}
    substr('10X98765432', cast(mod(
        {%- for w in [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] %}
        cast(substr({{ first17 }}, {{ loop.index }}, 1) as int) * {{ w }}{% if not loop.last %} +{% endif %}
        {%- endfor %}
    , 11) as int) + 1, 1)
{%- endmacro %}

{% macro id_upper(expr) -%}
    upper(trim({{ expr }}))
{%- endmacro %}

{# The first 17 characters of the 18-char form (15-digit numbers upgraded), or null. #}
{% macro id_first17(expr) -%}
    case
        when {{ regex_full_match(id_upper(expr), '[0-9]{17}[0-9X]') }} then substr({{ id_upper(expr) }}, 1, 17)
        when {{ regex_full_match(id_upper(expr), '[0-9]{15}') }}
            then concat(substr({{ id_upper(expr) }}, 1, 6), '19', substr({{ id_upper(expr) }}, 7, 9))
    end
{%- endmacro %}

{% macro normalize_id(expr) -%}
    case
        when {{ regex_full_match(id_upper(expr), '[0-9]{17}[0-9X]') }}
             and substr({{ id_upper(expr) }}, 18, 1) = {{ id_check_char(id_upper(expr)) }}
            then {{ id_upper(expr) }}
        when {{ regex_full_match(id_upper(expr), '[0-9]{15}') }}
            then concat(substr({{ id_upper(expr) }}, 1, 6), '19', substr({{ id_upper(expr) }}, 7, 9),
                        {{ id_check_char("concat(substr(" ~ id_upper(expr) ~ ", 1, 6), '19', substr(" ~ id_upper(expr) ~ ", 7, 9))") }})
    end
{%- endmacro %}
