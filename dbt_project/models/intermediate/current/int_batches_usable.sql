{# Batch versions whose rows are used: accepted (not rejected, not superseded),
   up to var('through_batch') when set (history replay). #}
with batches as (
    select * from {{ source('landing', 'batches') }}
),

final as (
    select
        batch_id,
        batch_version,
        cast(as_of as date) as as_of
    from batches
    where status = 'accepted'
    {% if var('through_batch') %}
      and batch_id <= '{{ var("through_batch") }}'
    {% endif %}
)

select * from final
