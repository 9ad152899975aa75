-- The outbox is a queue table: every row is inserted and deleted within milliseconds. Without
-- frequent vacuuming its index fills with dead entries that each relay query walks past
-- (measured: transactions 10x slower for the first 20-30 s after a burst). Vacuum it after
-- every thousand dead rows rather than after a fifth of the table.
ALTER TABLE honnin.national_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                        autovacuum_vacuum_cost_delay = 0);
