{# 社保卡 (cards.csv): the staged rows of accepted batch versions — typed, renamed, ids normalized; lineage kept. #}
with base as (
    select * from {{ ref('base_landing__cards') }}
),

usable as (
    select batch_id, batch_version from {{ ref('stg_landing__batches') }}
    where status = 'accepted'
),

final as (
    select
        card_no,
        person_id,
        made_on,
        arrived_on,
        distributed_on,
        status,
        activated_on,
        activation_mode,
        base._batch_id,
        base._file,
        base._row_number
    from base
    inner join usable
        on base._batch_id = usable.batch_id and base._batch_version = usable.batch_version
    where base._reject_reason is null
)

select * from final
