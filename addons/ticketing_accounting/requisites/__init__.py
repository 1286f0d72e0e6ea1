"""Russian requisites: the checks of ИНН, КПП, ОГРН/ОГРНИП, БИК and bank accounts, and the supplier's own
requisites as organizer settings."""
