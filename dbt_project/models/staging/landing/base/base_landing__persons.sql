{# 参保人员 (persons.csv, snapshot): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'persons') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('person_id') }} as person_id,
        {{ id_upper('id_number') }} as id_number,
        {{ normalize_id('id_number') }} as nid,
        {{ clean('name') }} as name,
        {{ clean('gender') }} as gender,
        {{ parse_date('birth_date') }} as birth_date,
        {{ clean('county_code') }} as county_code,
        {{ clean('town_code') }} as town_code,
        {{ clean('village_code') }} as village_code,
        {{ clean('phone') }} as phone,
        {{ parse_date('enrolled_on') }} as enrolled_on,
        person_id as raw_person_id,
        id_number as raw_id_number,
        name as raw_name,
        gender as raw_gender,
        birth_date as raw_birth_date,
        county_code as raw_county_code,
        town_code as raw_town_code,
        village_code as raw_village_code,
        phone as raw_phone,
        enrolled_on as raw_enrolled_on,
        concat_ws(',', coalesce(person_id, ''), coalesce(id_number, ''), coalesce(name, ''), coalesce(gender, ''), coalesce(birth_date, ''), coalesce(county_code, ''), coalesce(town_code, ''), coalesce(village_code, ''), coalesce(phone, ''), coalesce(enrolled_on, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('persons') }}

checked as (
    select
        typed.*,
        case
            when person_id is null then 'person_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (person_id)'
            when person_id is null then 'person_id: missing'
            when raw_id_number is null or trim(raw_id_number) = '' then 'id_number: missing'
            when name is null then 'name: missing'
            {{ check_code('raw_gender', 'gender', landing_codes('persons', 'gender'), required=true) }}
            {{ check_value('raw_birth_date', 'birth_date', 'birth_date', required=true) }}
            {{ check_code('raw_county_code', 'county_code', landing_codes('persons', 'county_code'), required=true) }}
            {{ check_value('raw_enrolled_on', 'enrolled_on', 'enrolled_on', required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('persons') }}
),

final as (
    select
        person_id,
        id_number,
        nid,
        nid is not null as id_valid,
        name,
        gender,
        birth_date,
        county_code,
        town_code,
        village_code,
        phone,
        enrolled_on,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
