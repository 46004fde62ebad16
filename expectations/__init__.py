"""Data-quality expectations of the nightly run.

- expectations/batch.py: the batch-level expectations (the quality gate), one function per check;
- expectations/batch_checks.yml: their thresholds, severities and meaning (configuration);
- expectations/report.py: the validation report written beside the warehouse every run.

Row-level problems (a value that cannot be read, a code outside its set) are not expectations:
the staging models reject or report those rows (marts.data_quality_exceptions).
"""
