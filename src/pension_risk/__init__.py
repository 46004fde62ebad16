"""淮南市社会保险基金管理风险排查 — pension payout risk screening platform."""

__version__ = "0.1.0"
