"""Russian accounting documents of an order: the Счёт на оплату and the Акт / УПД, numbered per organizer and
year without gaps."""
