-- SPDX-License-Identifier: MIT
-- agentpprof-team(1): the team store.  One row per (view, day, developer,
-- host, agent, project, stack): a folded stack of one developer's day and
-- its weight in the view's unit.  No prompt or response text, no paths
-- outside the projects (agent-stack's labels), developers as salted hashes.
--
-- samples_local holds the rows on each server (a shard); samples is a
-- Distributed table over the cluster {cluster}, sharded by developer, so
-- that one developer's rows live on one shard and a re-load of a day
-- replaces them there (ReplacingMergeTree on the load time, read FINAL).
-- The same SQL runs on one server (a cluster of one shard) or many.
CREATE DATABASE IF NOT EXISTS agentpprof;

CREATE TABLE IF NOT EXISTS agentpprof.samples_local (
    view String,
    day Date,
    developer String,
    host String,
    agent String,
    project String,
    stack String,
    weight UInt64,
    loaded DateTime
) ENGINE = ReplacingMergeTree(loaded)
PARTITION BY toYYYYMM(day)
ORDER BY (view, day, developer, host, stack);

CREATE TABLE IF NOT EXISTS agentpprof.samples AS agentpprof.samples_local
ENGINE = Distributed({cluster}, agentpprof, samples_local, cityHash64(developer));
