# Shared fixtures of every addon's tests live in ticketing_core (shared helpers belong there).
pytest_plugins = ["ticketing_core.testing.fixtures", "ticketing_core.testing.rentals",
                  "ticketing_core.testing.seating", "ticketing_core.testing.accounts"]
