{{ config(materialized='view') }}
{# Every delivered batch version and its ingestion status (raw.batches): the staging
   models keep the rows of accepted versions only; intermediate.int_batches_usable
   narrows them further for a history replay (through_batch). #}
with source as (
    select * from {{ source('landing', 'batches') }}
),

final as (
    select
        batch_id,
        batch_version,
        cast(as_of as date) as as_of,
        status,
        reason
    from source
)

select * from final
