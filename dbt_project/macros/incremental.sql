{# Incremental landing (issue 9): every delivered row is parsed, typed and judged once.

   The base_landing__* models are incremental tables keyed by (_batch_id, _batch_version):
   a run reads from raw only the batch versions the table does not hold yet (a re-delivered
   batch is a new version: its rows are added, the old version's stay for the audit). Rows of
   a version the quality gate rejected after staging (loader.reject_after_checks deletes its raw
   rows and marks it rejected) are deleted before the next build.
   When the staging SQL itself changes, orchestration/assets/dbt.py rebuilds these models with
   --full-refresh (raw.staging_code keeps the digest they were built with). #}

{# The filter of a base model's source: only batch versions not yet in this table. #}
{% macro only_new_batch_versions() -%}
    {%- if is_incremental() %}
    where not exists (
        select 1 from (select distinct _batch_id, _batch_version from {{ this }}) as done
        where done._batch_id = delivered._batch_id
          and done._batch_version = delivered._batch_version
    )
    {%- endif %}
{%- endmacro %}

{# pre-hook of a base model: drop the rows of batch versions rejected after they were staged. #}
{% macro drop_rejected_batch_versions() -%}
    {{ return(adapter.dispatch('drop_rejected_batch_versions', 'pension_risk')()) }}
{%- endmacro %}
{% macro default__drop_rejected_batch_versions() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where exists (
        select 1 from {{ source('landing', 'batches') }} as b
        where b.status = 'rejected' and b.batch_id = {{ this }}._batch_id
          and b.batch_version = {{ this }}._batch_version
    )
    {%- endif -%}
{%- endmacro %}
{# Spark: DELETE needs a Delta (or Iceberg) table; on plain parquet a rejected-after-staging
   batch is removed by a --full-refresh of the staging layer (docs/SCALE.md). #}
{% macro spark__drop_rejected_batch_versions() -%}
    {%- if config.get('file_format') in ('delta', 'iceberg') -%}
    {{ default__drop_rejected_batch_versions() }}
    {%- endif -%}
{%- endmacro %}
