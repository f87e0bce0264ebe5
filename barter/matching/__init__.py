"""The matching engine and the logistics planner: pure functions, no I/O."""
