"""Gamification: points on service levels, standings, closing periods, badges."""
