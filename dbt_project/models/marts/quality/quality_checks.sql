{# marts.quality_checks (INTERFACE.md): the batch-level quality gate's results, one row per
   (batch, file, check) evaluated on a delivered batch, the whole history. A failed `block`
   check rejected its batch (marts.batch_audit: status rejected, the check in reason); a
   failed `warn` check was published and is shown on the dashboard's 数据质量 page. #}
with checks as (
    select * from {{ source('landing', 'quality_checks') }}
),

final as (
    select
        batch_id,
        batch_version,
        file,
        check_name,
        severity,
        passed,
        observed,
        expected,
        detail,
        cast(checked_at as timestamp) as checked_at  -- Spark reads the raw timestamp as timestamp_ntz
    from checks
)

select * from final
