{# marts.data_quality_exceptions (INTERFACE.md): every row-level problem.
   staged = false: rejected rows (kept with their raw content, used by no rule);
   staged = true: reported rows (staged, used as RULES.md says). Rows of
   superseded batch versions are left out (they are no longer used).
   reason: technical, for the data team; reason_zh: the same in Chinese, for the
   county users (made beside the reasons: int_exceptions_rejected / _reported). #}
with rejected as (
    select * from {{ ref('int_exceptions_rejected') }}
),

reported as (
    select * from {{ ref('int_exceptions_reported') }}
),

versions as (
    select batch_id, batch_version from {{ source('landing', 'batches') }} where status = 'accepted'
),

final as (
    select
        rejected.batch_id,
        rejected.file,
        rejected.row_number,
        rejected.key,
        rejected.reason,
        rejected.reason_zh,
        false as staged,
        rejected.raw_content
    from rejected
    inner join versions
        on rejected.batch_id = versions.batch_id and rejected.batch_version = versions.batch_version
    union all
    select
        batch_id,
        file,
        row_number,
        key,
        reason,
        reason_zh,
        true as staged,
        cast(null as {{ dbt.type_string() }}) as raw_content
    from reported
)

select * from final
