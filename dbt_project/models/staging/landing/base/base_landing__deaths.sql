{# 死亡信息 (deaths.csv, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'deaths') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('death_id') }} as death_id,
        {{ id_upper('id_number') }} as id_number,
        {{ normalize_id('id_number') }} as nid,
        {{ clean('name') }} as name,
        {{ parse_date('death_date') }} as death_date,
        {{ clean('source') }} as source,
        {{ parse_date('received_on') }} as received_on,
        death_id as raw_death_id,
        id_number as raw_id_number,
        name as raw_name,
        death_date as raw_death_date,
        source as raw_source,
        received_on as raw_received_on,
        concat_ws(',', coalesce(death_id, ''), coalesce(id_number, ''), coalesce(name, ''), coalesce(death_date, ''), coalesce(source, ''), coalesce(received_on, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('deaths') }}

checked as (
    select
        typed.*,
        case
            when death_id is null then 'death_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (death_id)'
            when death_id is null then 'death_id: missing'
            when raw_id_number is null or trim(raw_id_number) = '' then 'id_number: missing'
            {{ check_value('raw_death_date', 'death_date', 'death_date', required=true) }}
            {{ check_code('raw_source', 'source', landing_codes('deaths', 'source'), required=true) }}
            {{ check_value('raw_received_on', 'received_on', 'received_on', required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('deaths') }}
),

final as (
    select
        death_id,
        id_number,
        nid,
        nid is not null as id_valid,
        name,
        death_date,
        source,
        received_on,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
