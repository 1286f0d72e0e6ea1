"""Test support shared by every addon's tests: settings, fixtures and factories."""
