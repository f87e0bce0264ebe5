"""The imperative shell's database side: embedded server, pool, migrations and repositories.

Repositories are the only code that talks to PostgreSQL; their SQL lives in `queries/*.sql`.
"""
