-- The Idempotency-Key of the paid call that made (or last replaced) a cached answer. A cache hit is priced
-- before any hold (issue 20): free for the learner's later calls, but a retry under the key that made the
-- answer is credit's to answer (its stored answer, or a rerun priced in full when that call was never charged).
alter table ai.cache add column paid_key text;
