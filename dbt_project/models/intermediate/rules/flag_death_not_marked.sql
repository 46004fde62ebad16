{#
  R18 死亡信息未及时在系统中标识: a death record matched on the normalized id with
  received_on <= as_of - r18_days days, and the person still has a benefit in
  status '1' (正常). County: the person's county.
#}
with deaths as (
    select * from {{ ref('int_deaths_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

benefits as (
    select * from {{ ref('int_benefits_current') }}
),

as_of_date as (
    select
        as_of,
        {{ add_days('as_of', -var('r18_days')) }} as received_by
    from {{ ref('int_as_of') }}
),

old_death_records as (
    select
        persons.person_id,
        deaths.death_id,
        deaths.death_date,
        deaths.source,
        deaths.received_on
    from deaths
    cross join as_of_date
    inner join persons
        on deaths.nid = persons.nid
    where deaths.nid is not null
      and deaths.received_on <= as_of_date.received_by
),

benefits_in_payment as (
    select
        person_id,
        {{ json_array_agg(
            json_obj([
                ('benefit_id', 'benefit_id'),
                ('scheme_code', 'scheme_code'),
                ('status', 'status'),
                ('status_since', 'status_since')
            ]),
            'benefit_id'
        ) }} as benefits
    from benefits
    where status = '1'
    group by person_id
),

death_records_per_person as (
    select
        person_id,
        min(received_on) as first_received_on,
        min(death_date) as earliest_death_date,
        {{ json_array_agg(
            json_obj([
                ('death_id', 'death_id'),
                ('death_date', 'death_date'),
                ('source', 'source'),
                ('received_on', 'received_on')
            ]),
            ['received_on', 'death_id']
        ) }} as death_records
    from old_death_records
    group by person_id
),

final as (
    select
        'R18' as rule_code,
        'person_id' as subject_type,
        death_records_per_person.person_id as subject_id,
        death_records_per_person.person_id,
        persons.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj_nested([
            ('person_id', 'death_records_per_person.person_id'),
            ('name', 'persons.name'),
            ('id_number', 'persons.nid'),
            ('first_received_on', 'death_records_per_person.first_received_on'),
            ('days_since_received', dbt.datediff('death_records_per_person.first_received_on', 'as_of_date.as_of', 'day')),
            ('death_records', 'death_records_per_person.death_records', 'json'),
            ('benefits_still_in_payment', 'benefits_in_payment.benefits', 'json')
        ]) }} as evidence
    from death_records_per_person
    cross join as_of_date
    inner join benefits_in_payment
        on death_records_per_person.person_id = benefits_in_payment.person_id
    inner join persons
        on death_records_per_person.person_id = persons.person_id
)

select * from final
