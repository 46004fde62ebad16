{#
  Persons matched to death records (死亡信息) on the normalized id only (never on
  name; an id failing its check matches nothing). death_date = the earliest
  death_date over all death records, any source, with the person's normalized id;
  death_month = its month. One row per person_id (two person records of one id
  both match).
#}
with persons as (
    select * from {{ ref('int_persons_current') }}
    where nid is not null
),

deaths as (
    select * from {{ ref('int_deaths_current') }}
    where nid is not null and death_date is not null
),

deaths_per_id as (
    select
        nid,
        min(death_date) as death_date,
        count(*) as death_record_count,
        {{ json_array_agg(
            json_obj([
                ('death_id', 'death_id'),
                ('source', 'source'),
                ('death_date', 'death_date'),
                ('received_on', 'received_on')
            ]),
            ['death_date', 'death_id']
        ) }} as sources
    from deaths
    group by nid
),

final as (
    select
        persons.person_id,
        persons.nid,
        deaths_per_id.death_date,
        {{ month_start('deaths_per_id.death_date') }} as death_month,
        deaths_per_id.death_record_count,
        deaths_per_id.sources
    from persons
    inner join deaths_per_id on persons.nid = deaths_per_id.nid
)

select * from final
