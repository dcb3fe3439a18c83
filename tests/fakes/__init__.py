"""Fakes of the services the skill talks to, for tests."""
