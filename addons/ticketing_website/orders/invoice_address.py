"""
The shop does not ask retail buyers for an invoice address. A passenger buying a ticket gets the fiscal receipt
of the payment (54-FZ, from the payment provider) and the ticket; pretix's default asks for an optional invoice
address, and a buyer who skips it finds an empty "Данные для счёта" block (name, address, city, country, all
blank) on the confirmation page and under "Ваши данные" on the order page. Organisations buy on a bank invoice,
where the operator switches the question back on per event (pretix's *Invoicing* settings), and pretix shows the
block again there.
"""
from pretix.base.settings import settings_hierarkey

settings_hierarkey.add_default("invoice_address_asked", "False", bool)
