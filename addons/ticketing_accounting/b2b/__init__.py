"""Corporate buyers (organisations and sole proprietors): their requisites at checkout and in the back office,
the payment on a bank invoice and its term."""
