# Shared fixtures of every addon's tests: ticketing_core's (settings, factories, fixtures), and each addon's own
# testing module for the fixtures that need it (an addon's fixtures live with the addon, core knows none of them).
pytest_plugins = ["ticketing_core.testing.fixtures", "ticketing_rentals.testing", "ticketing_seating.testing",
                  "ticketing_website.testing", "ticketing_yoomoney.testing"]
