"""Interface languages (en, fa, ar): catalogues, direction, digits, numbers, dates and calendars."""
