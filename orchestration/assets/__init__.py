"""Assets of the nightly job: landing extracts -> dbt models -> published warehouse."""
