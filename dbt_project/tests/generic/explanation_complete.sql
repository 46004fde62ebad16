{# An explanation (marts.risk_flags) reads as finished Chinese text: no placeholder
   or optional-segment bracket of the template left, and no （不详） where a fact of
   the evidence was missing. Severity warn: free-text values of the data (names,
   疑点说明) may themselves hold such characters, and a data gap must not stop the
   nightly publish; the template itself is checked strictly by
   tests/explanations/explanation_templates_use_known_placeholders.sql. #}
{% test explanation_complete(model, column_name) %}
{{ config(severity='warn') }}
select {{ column_name }}
from {{ model }}
where {{ column_name }} like concat('%', '{', '%')
   or {{ column_name }} like concat('%', '}', '%')
   or {{ column_name }} like '%（不详）%'
   or {{ column_name }} = ''
{% endtest %}
