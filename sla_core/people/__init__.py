"""People: users, teams, who counts, sign-in sessions, sign-in checks and the first run."""
