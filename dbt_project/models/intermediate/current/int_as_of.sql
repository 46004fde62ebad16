{# as_of: the business date of the newest usable batch — "now" for every rule. #}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

newest as (
    select max(batch_id) as batch_id from usable
),

final as (
    select
        usable.batch_id,
        usable.as_of
    from usable
    inner join newest on usable.batch_id = newest.batch_id
)

select * from final
