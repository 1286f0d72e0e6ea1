"""The customer's account in the shop: profile with a mobile phone, orders, tickets with QR codes, refunds."""
