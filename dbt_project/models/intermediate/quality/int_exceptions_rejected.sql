{# Rejected rows (staged = false): values that cannot be read, codes outside their
   code set, repeated keys, and CSV lines that could not be split into columns. #}
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

final as (
{% for stem in landing_files() %}
    select * from rejected_{{ stem }}
    union all
{% endfor %}
    select * from malformed
)

select * from final
