"""The manager's week: priorities, recommendations, the planner, routes, the visit log and its authenticity checks."""
