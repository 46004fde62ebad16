"""Asset checks (Great Expectations suites); dbt tests become checks via dagster-dbt."""
