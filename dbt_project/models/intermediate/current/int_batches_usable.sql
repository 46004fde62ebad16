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
    {% if env_var('PENSION_RISK_THROUGH_BATCH', '') %}
      and batch_id <= '{{ env_var("PENSION_RISK_THROUGH_BATCH", "") }}'
    {% endif %}
)

select * from final
