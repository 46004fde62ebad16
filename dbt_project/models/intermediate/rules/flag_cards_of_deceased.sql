{#
  R21 已死亡人员社保卡未清理: a card whose holder has a death date (earliest death
  record matched on the normalized id, int_persons_deaths_matched) on or before
  as_of and whose status is not '3' (注销). County: the holder's county.
#}
with cards as (
    select * from {{ ref('int_cards_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

deaths as (
    select * from {{ ref('int_persons_deaths_matched') }}
),

as_of_date as (
    select as_of from {{ ref('int_as_of') }}
),

flagged as (
    select
        cards.card_no,
        cards.person_id,
        cards.arrived_on,
        cards.distributed_on,
        cards.status,
        cards.activated_on,
        deaths.nid,
        deaths.death_date
    from cards
    cross join as_of_date
    inner join deaths
        on cards.person_id = deaths.person_id
    where deaths.death_date <= as_of_date.as_of
      and cards.status <> '3'
),

final as (
    select
        'R21' as rule_code,
        'card_no' as subject_type,
        flagged.card_no as subject_id,
        flagged.person_id,
        persons.county_code,
        cast(null as decimal(18, 2)) as amount,
        {{ json_obj([
            ('card_no', 'flagged.card_no'),
            ('person_id', 'flagged.person_id'),
            ('name', 'persons.name'),
            ('id_number', 'flagged.nid'),
            ('death_date', 'flagged.death_date'),
            ('card_status', 'flagged.status'),
            ('distributed_on', 'flagged.distributed_on'),
            ('activated_on', 'flagged.activated_on')
        ]) }} as evidence
    from flagged
    left join persons
        on flagged.person_id = persons.person_id
)

select * from final
