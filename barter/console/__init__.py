"""The coordinator console: server-rendered Thai pages over the use cases (see web.py, views.py)."""
