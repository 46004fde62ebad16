{# 人员花名册: snapshot file — the rows of the newest usable batch. #}
with staged as (
    select * from {{ ref('stg_landing__staff') }}
),

newest as (
    select max(batch_id) as batch_id from {{ ref('int_batches_usable') }}
),

final as (
    select staged.*
    from staged
    inner join newest on staged._batch_id = newest.batch_id
)

select * from final
