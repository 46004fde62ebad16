{# Rejected rows (staged = false): values that cannot be read, codes outside their
   code set, repeated keys, and CSV lines that could not be split into columns.
   reason = the technical reason (for the data team); reason_zh = its Chinese form
   (macro reason_zh, macros/parse.sql, beside the macros that make the reasons). #}
with
{% for stem, key in landing_files().items() %}
rejected_{{ stem }} as (
    select
        _batch_id as batch_id,
        _batch_version as batch_version,
        _file as file,
        _row_number as row_number,
        {{ key_text(key) }} as key,
        _reject_reason as reason,
        raw_content
    from {{ ref('base_landing__' ~ stem) }}
    where _reject_reason is not null
),
{% endfor %}

malformed as (
    select
        _batch_id as batch_id,
        _batch_version as batch_version,
        _file as file,
        _row_number as row_number,
        cast(null as {{ dbt.type_string() }}) as key,
        concat('malformed CSV line: ', reason) as reason,
        content as raw_content
    from {{ source('landing', 'malformed_lines') }}
),

names as (
    {{ names_map() }}
),

unioned as (
{% for stem in landing_files() %}
    select * from rejected_{{ stem }}
    union all
{% endfor %}
    select * from malformed
),

final as (
    select
        unioned.batch_id,
        unioned.batch_version,
        unioned.file,
        unioned.row_number,
        unioned.key,
        unioned.reason,
        {{ reason_zh('unioned.reason', 'unioned.file') }} as reason_zh,
        unioned.raw_content
    from unioned
    cross join names
)

select * from final
