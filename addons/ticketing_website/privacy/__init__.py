"""Personal data under 152-FZ: the operator's policy, the customers' consents, their data export and deletion."""
