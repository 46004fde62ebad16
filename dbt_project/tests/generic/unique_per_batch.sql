{# The key columns identify one row within one delivered batch (EXTRACTS.md: within
   one file a key appears once; repeats are rejected rows, never staged). #}
{% test unique_per_batch(model, columns) %}
select _batch_id, {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by _batch_id, {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
