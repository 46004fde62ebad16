{# Reported rows (staged = true): staged and used as RULES.md says, but listed for
   the data team: id numbers failing their check, references to unknown persons,
   benefits, accounts or users (orphans). Every staged row of every usable batch is
   checked (a snapshot's row is reported in each batch that delivers it); a
   reference is known when any usable batch delivered the referenced key.
   reason = technical (for the data team), reason_zh = the same in Chinese (column
   names from seeds/column_names.csv, orphan kinds from seeds/code_names.csv dq_reference).
   The checks: macros/exceptions_reported.sql. Kept from the previous build: a nightly build
   checks only the new batches' rows and forgets the older orphans a new batch makes known.
   A history replay (the pipeline's never builds this model; dbt by hand may) checks the batches
   up to its batch, like the current-state models. #}
{{ kept_from_previous_build('exceptions_reported_forgotten()') }}
{%- set id_checks = reported_id_checks() %}
{%- set ref_checks = reported_reference_checks() %}
{#- a build on the previous one checks only the new batches' rows (macros/exceptions_reported.sql) #}
{%- set only_new = ("and src._batch_id in (" ~ batch_literals(kept_batches().new) ~ ")") if current_state_path()
                   else through_batch_condition('src._batch_id') %}
with
names as (
    {{ names_map() }}
),
{% for stem, col, valid, key in id_checks %}
bad_id_{{ loop.index }} as (
    select
        _batch_id as batch_id,
        _file as file,
        _row_number as row_number,
        cast({{ key }} as {{ dbt.type_string() }}) as key,
        concat('{{ col }} fails its check (GB 11643): ', {{ col }}) as reason,
        concat({{ column_zh('_file', "'" ~ col ~ "'") }}, '未通过校验（GB 11643）：', {{ col }}) as reason_zh
    from {{ ref('stg_landing__' ~ stem) }} as src
    cross join names
    where {{ col }} is not null and not {{ valid }}
      {{ only_new }}
),
{% endfor %}
{% for stem, key, col, ref_stem, ref_col, label in ref_checks %}
orphan_{{ loop.index }} as (
    select
        src._batch_id as batch_id,
        src._file as file,
        src._row_number as row_number,
        cast(src.{{ key }} as {{ dbt.type_string() }}) as key,
        {{ reference_reason(col, label, 'src.' ~ col) }} as reason,
        concat({{ column_zh('src._file', "'" ~ col ~ "'") }}, {{ code_name('dq_reference', "'" ~ label ~ "'") }}, '：', src.{{ col }}) as reason_zh
    from {{ ref('stg_landing__' ~ stem) }} as src
    cross join names
    left join (select distinct {{ ref_col }} from {{ ref('stg_landing__' ~ ref_stem) }}
               where true {{ through_batch_condition('_batch_id') }}) as known
        on src.{{ col }} = known.{{ ref_col }}
    where src.{{ col }} is not null and known.{{ ref_col }} is null
      {{ only_new }}
),
{% endfor %}

final as (
{% for _c in id_checks %}
    select * from bad_id_{{ loop.index }}
    union all
{% endfor %}
{% for _c in ref_checks %}
    select * from orphan_{{ loop.index }}{% if not loop.last %}
    union all{% endif %}
{% endfor %}
)

select * from final
