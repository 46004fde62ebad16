{# 行政区划 (regions.csv, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'regions') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('code') }} as code,
        {{ clean('name') }} as name,
        {{ clean('level') }} as level,
        {{ clean('parent_code') }} as parent_code,
        code as raw_code,
        name as raw_name,
        level as raw_level,
        parent_code as raw_parent_code,
        concat_ws(',', coalesce(code, ''), coalesce(name, ''), coalesce(level, ''), coalesce(parent_code, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('regions') }}

checked as (
    select
        typed.*,
        case
            when code is null then 'code: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (code)'
            when code is null then 'code: missing'
            when name is null then 'name: missing'
            {{ check_code('raw_level', 'level', landing_codes('regions', 'level'), required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('regions') }}
),

final as (
    select
        code,
        name,
        level,
        parent_code,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
