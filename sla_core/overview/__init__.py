"""The Overview: the period and team in view, its figures, the funnel and its charts."""
