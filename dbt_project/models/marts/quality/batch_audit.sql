{# marts.batch_audit (INTERFACE.md): one row per (batch, file) ever seen.
   For an accepted file manifest_rows = staged_rows + exception_rows
   (exception_rows counts rejected rows only). #}
with files as (
    select * from {{ source('landing', 'batch_files') }}
),

rejected as (
    select batch_id, batch_version, file, count(*) as exception_rows
    from {{ ref('int_exceptions_rejected') }}
    group by batch_id, batch_version, file
),

staged as (
{% for stem in landing_files() %}
    select _batch_id as batch_id, _batch_version as batch_version, _file as file, count(*) as staged_rows
    from {{ ref('base_landing__' ~ stem) }}
    where _reject_reason is null
    group by _batch_id, _batch_version, _file
    {% if not loop.last %}union all{% endif %}
{% endfor %}
),

final as (
    select
        files.batch_id,
        files.batch_version,
        files.file,
        files.status,
        files.reason,
        files.manifest_rows,
        case when files.status = 'rejected' then 0 else coalesce(staged.staged_rows, 0) end as staged_rows,
        case when files.status = 'rejected' then 0 else coalesce(rejected.exception_rows, 0) end as exception_rows,
        files.encoding,
        cast(files.ingested_at as timestamp) as ingested_at  -- Spark reads the raw timestamp as timestamp_ntz
    from files
    left join staged
        on files.batch_id = staged.batch_id and files.batch_version = staged.batch_version
        and files.file = staged.file
    left join rejected
        on files.batch_id = rejected.batch_id and files.batch_version = rejected.batch_version
        and files.file = rejected.file
)

select * from final
