"""Bank statement import: the bank's 1CClientBankExchange statement pays the orders it names."""
