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

{# A repeated key within a file: the first row of a key in a batch version is staged, every
   later row of it (a larger _row_number) is rejected. `repeated_keys` is the CTE of the keys
   delivered more than once with their first row; it groups the key columns alone, reading the
   source again rather than the model's source CTE (a CTE read twice is materialized whole). A
   row_number() window did the same, but carried every delivered column through the sort: at
   1,000,000 persons it spilled 3.6 GB and took most of the payouts' 82 s (docs/PERFORMANCE.md).
   The key comes from the contract (landing_files). Rows with a key column missing never match
   (their own reject reason comes first). #}
{% macro repeated_keys(stem) -%}
{%- set key = landing_files()[stem] -%}
repeated_keys as (
    select
        delivered._batch_id as repeated_batch_id,
        delivered._batch_version as repeated_batch_version,
        {%- for column in key %}
        {{ clean('delivered.' ~ column) }} as repeated_{{ column }},
        {%- endfor %}
        min(delivered._row_number) as first_row_number
    from {{ source('landing', stem) }} as delivered
    {{ only_new_batch_versions() }}
    group by
        delivered._batch_id,
        delivered._batch_version
        {%- for column in key %},
        {{ clean('delivered.' ~ column) }}
        {%- endfor %}
    having count(*) > 1
),
{%- endmacro %}

{# The join of a base model's typed rows to repeated_keys (see above). #}
{% macro join_repeated_keys(stem) -%}
    left join repeated_keys
        on typed._batch_id = repeated_keys.repeated_batch_id
        and typed._batch_version = repeated_keys.repeated_batch_version
        {%- for column in landing_files()[stem] %}
        and {{ clean('typed.raw_' ~ column) }} = repeated_keys.repeated_{{ column }}
        {%- endfor %}
{%- endmacro %}
