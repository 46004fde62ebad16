{# Batch versions whose rows the rules use: accepted (not rejected, not superseded),
   up to var('through_batch') when set (history replay: the staging layer keeps every
   accepted batch; the current-state models narrow to these). #}
with batches as (
    select * from {{ ref('stg_landing__batches') }}
),

final as (
    select
        batch_id,
        batch_version,
        as_of
    from batches
    where status = 'accepted'
    {% if var('through_batch') %}
      and batch_id <= '{{ var("through_batch") }}'
    {% endif %}
)

select * from final
