{# 服刑人员信息 (incarcerations.csv): the staged rows of accepted batch versions — typed, renamed, ids normalized; lineage kept. #}
with base as (
    select * from {{ ref('base_landing__incarcerations') }}
),

usable as (
    select batch_id, batch_version from {{ ref('stg_landing__batches') }}
    where status = 'accepted'
),

final as (
    select
        record_id,
        id_number,
        nid,
        id_valid,
        name,
        sentence_type,
        start_date,
        end_date,
        base._batch_id,
        base._file,
        base._row_number
    from base
    inner join usable
        on base._batch_id = usable.batch_id and base._batch_version = usable.batch_version
    where base._reject_reason is null
)

select * from final
