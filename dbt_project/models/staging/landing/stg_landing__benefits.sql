{# 待遇核定与领取资格 (benefits.csv): the staged rows of accepted batch versions — typed, renamed, ids normalized; lineage kept. #}
with base as (
    select * from {{ ref('base_landing__benefits') }}
),

usable as (
    select batch_id, batch_version from {{ ref('stg_landing__batches') }}
    where status = 'accepted'
),

final as (
    select
        benefit_id,
        person_id,
        scheme_code,
        start_month,
        monthly_amount,
        determination,
        determined_by,
        reviewed_by,
        determined_at,
        status,
        status_reason,
        status_since,
        account_no,
        base._batch_id,
        base._file,
        base._row_number
    from base
    inner join usable
        on base._batch_id = usable.batch_id and base._batch_version = usable.batch_version
    where base._reject_reason is null
)

select * from final
