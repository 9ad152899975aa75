-- Provision records are what a resident is shown (R-DISC) and part of the record of who saw what
-- (R-AUD-VERIFY): the agency flow may add them, never change them. Only its request ledger is
-- updated as a file moves through its states.
REVOKE UPDATE ON agency.provision FROM juki_agency;
