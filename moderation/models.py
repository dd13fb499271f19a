"""Moderation models (takedown notices, reports, decisions) arrive with the moderation issue."""
