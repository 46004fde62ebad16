{#
  R27 重复领取待遇: two paid payouts of different benefit_ids of the same normalized
  id cover the same month (across schemes, or duplicate enrolments under several
  person records). Subject: the normalized id. Amount: per-month amounts of the
  duplicated months, except, in each month, those of the paying benefit with the
  largest monthly_amount (ties: smallest benefit_id). A scheme transfer
  (170 -> 110, 1407) whose payouts do not overlap is not a duplicate.
  county_code and person_id: the person record with the smallest person_id of the id.
#}
with persons as (
    select * from {{ ref('int_persons_current') }}
    where nid is not null
),

-- only an id paid under two or more benefits can have a duplicated month: the covered months
-- of every other id (nearly all) are never expanded. Per person first (from the paid payouts per
-- benefit and account: about 1 M rows), then per id: an id's smallest and largest benefit_id are
-- the smallest and largest of its person records'
person_benefit_range as (
    select
        person_id,
        min(benefit_id) as min_benefit_id,
        max(benefit_id) as max_benefit_id
    from {{ ref('int_paid_payout_accounts') }}
    group by person_id
),

ids_paid_under_several_benefits as (
    select persons.nid
    from person_benefit_range
    inner join persons on person_benefit_range.person_id = persons.person_id
    group by persons.nid
    having min(person_benefit_range.min_benefit_id) <> max(person_benefit_range.max_benefit_id)
),

candidate_persons as (
    select persons.person_id
    from persons
    inner join ids_paid_under_several_benefits on persons.nid = ids_paid_under_several_benefits.nid
),

-- the covered months of the paid payouts of those ids only
covered_months as (
    {{ paid_covered_months(of_persons='select candidate_persons.person_id from candidate_persons') }}
),

benefits as (
    select * from {{ ref('int_benefits_current') }}
),

benefit_months as (
    select
        persons.nid,
        covered_months.covered_month,
        covered_months.benefit_id,
        benefits.monthly_amount,
        sum(covered_months.per_month_amount) as month_amount,
        count(*) as payout_count
    from covered_months
    inner join persons on covered_months.person_id = persons.person_id
    inner join benefits on covered_months.benefit_id = benefits.benefit_id
    group by persons.nid, covered_months.covered_month, covered_months.benefit_id, benefits.monthly_amount
),

ranked as (
    select
        benefit_months.*,
        count(*) over (partition by nid, covered_month) as paying_benefits,
        row_number() over (
            partition by nid, covered_month
            order by monthly_amount desc, benefit_id
        ) as benefit_rank
    from benefit_months
),

duplicated_months as (
    select
        nid,
        covered_month,
        max(case when benefit_rank = 1 then benefit_id end) as kept_benefit_id,
        sum(case when benefit_rank > 1 then month_amount else 0 end) as duplicate_amount,
        {{ json_array_agg(json_scalar('benefit_id'), 'benefit_id') }} as paying_benefit_ids
    from ranked
    where paying_benefits >= 2
    group by nid, covered_month
),

duplicate_payout_months as (
    select
        persons.nid,
        covered_months.payout_id,
        covered_months.amount,
        covered_months.covered_month_count
    from covered_months
    inner join persons on covered_months.person_id = persons.person_id
    inner join ranked
        on persons.nid = ranked.nid
        and covered_months.covered_month = ranked.covered_month
        and covered_months.benefit_id = ranked.benefit_id
    where ranked.paying_benefits >= 2
      and ranked.benefit_rank > 1
),

duplicate_totals as (
    select
        nid,
        sum(duplicate_share) as duplicate_total
    from (
        select
            nid,
            payout_id,
            {{ payout_share('amount', 'count(*)', 'covered_month_count') }} as duplicate_share
        from duplicate_payout_months
        group by nid, payout_id, amount, covered_month_count
    ) as per_payout
    group by nid
),

per_id as (
    select
        nid,
        count(*) as duplicated_month_count,
        min(covered_month) as first_duplicated_month,
        max(covered_month) as last_duplicated_month,
        {{ json_array_agg(
            json_obj_nested([
                ('month', format_month('covered_month')),
                ('paying_benefits', 'paying_benefit_ids', 'json'),
                ('kept_benefit_id', 'kept_benefit_id'),
                ('duplicate_amount', to_yuan('duplicate_amount'))
            ]),
            'covered_month'
        ) }} as months
    from duplicated_months
    group by nid
),

person_records as (
    select
        persons.nid,
        persons.person_id,
        persons.name,
        persons.county_code,
        row_number() over (partition by persons.nid order by persons.person_id) as record_rank
    from persons
    where persons.nid in (select nid from per_id)
),

person_record_lists as (
    select
        nid,
        count(*) as record_count,
        {{ json_array_agg(
            json_obj([
                ('person_id', 'person_id'),
                ('name', 'name'),
                ('county_code', 'county_code')
            ]),
            'person_id'
        ) }} as records
    from person_records
    group by nid
),

involved_benefits as (
    select
        per_benefit.nid,
        {{ json_array_agg(
            json_obj([
                ('benefit_id', 'benefits.benefit_id'),
                ('person_id', 'benefits.person_id'),
                ('scheme_code', 'benefits.scheme_code'),
                ('monthly_amount', 'benefits.monthly_amount'),
                ('status', 'benefits.status'),
                ('status_reason', 'benefits.status_reason')
            ]),
            'benefits.benefit_id'
        ) }} as benefit_list
    from (
        select distinct ranked.nid, ranked.benefit_id
        from ranked
        where ranked.paying_benefits >= 2
    ) as per_benefit
    inner join benefits on per_benefit.benefit_id = benefits.benefit_id
    group by per_benefit.nid
),

final as (
    select
        'R27' as rule_code,
        'id_number' as subject_type,
        per_id.nid as subject_id,
        first_record.person_id,
        first_record.county_code,
        {{ to_yuan('duplicate_totals.duplicate_total') }} as amount,
        {{ json_obj_nested([
            ('id_number', 'per_id.nid'),
            ('person_record_count', 'person_record_lists.record_count'),
            ('person_records', 'person_record_lists.records', 'json'),
            ('benefits', 'involved_benefits.benefit_list', 'json'),
            ('duplicated_month_count', 'per_id.duplicated_month_count'),
            ('first_duplicated_month', format_month('per_id.first_duplicated_month')),
            ('last_duplicated_month', format_month('per_id.last_duplicated_month')),
            ('duplicated_months', 'per_id.months', 'json')
        ]) }} as evidence
    from per_id
    inner join duplicate_totals on per_id.nid = duplicate_totals.nid
    inner join person_records as first_record
        on per_id.nid = first_record.nid and first_record.record_rank = 1
    inner join person_record_lists on per_id.nid = person_record_lists.nid
    inner join involved_benefits on per_id.nid = involved_benefits.nid
)

select * from final
