{# Batch versions whose rows the rules use: accepted (not rejected, not superseded),
   up to env_var('PENSION_RISK_THROUGH_BATCH') when set (history replay: the staging layer keeps every
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
      {{ through_batch_condition('batch_id') }}
)

select * from final
