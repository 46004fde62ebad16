{# Row conservation (INTERFACE.md, marts.batch_audit): for every accepted (batch,
   file) each row the manifest announces is either staged or rejected, so
   manifest_rows = staged_rows + exception_rows. A row lost or counted twice
   between the raw layer and staging fails here. Returns the offending files. #}
with audit as (
    select * from {{ ref('batch_audit') }}
),

final as (
    select
        batch_id,
        batch_version,
        file,
        manifest_rows,
        staged_rows,
        exception_rows
    from audit
    where status = 'accepted'
      and (manifest_rows is null or manifest_rows <> staged_rows + exception_rows)
)

select * from final
