package dev.spacegate.server.replica;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.changes.Change;
import dev.spacegate.persistence.changes.ChangeListener;
import dev.spacegate.persistence.changes.ChangeLog;
import dev.spacegate.server.web.Json;

/**
 * Follows the change log of a shared PostgreSQL on one thread of its own and hands every change another replica
 * made to the handler of its topic. With LISTEN (one dedicated connection) a change arrives as soon as it commits
 * and the connection is confirmed every few seconds; without it (transaction pooler, listener disabled or lost) the
 * newest change id is polled through the pool every {@code REPLICA_POLL_SECONDS}. After the database or the
 * listener was away, everything is re-read. No request ever waits on any of this.
 */
public final class ReplicaSync implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReplicaSync.class.getName());
    private static final int BATCH = 500;
    private static final long RECONNECT_MS = 5_000;
    /** A change whose announcement failed after its write committed is still picked up by this full re-read. */
    private static final long SAFETY_RELOAD_MS = 5 * 60_000;

    /** How the replica learns of changes. */
    public enum Mode { SINGLE, LISTEN, POLL }

    private final ChangeLog log;
    private final ReplicaSettings settings;
    private final Map<String, Consumer<Change>> handlers;
    private final Runnable fullReload;
    private final boolean listenWanted;
    private final AtomicLong applied = new AtomicLong();
    private volatile Mode mode;
    private volatile boolean running = true;
    private volatile long confirmedAtMs = System.currentTimeMillis();
    private volatile Change lastChange;
    private volatile long lastAppliedAtMs;
    private volatile ChangeListener listener;
    private long lastId;
    private long nextSafetyReload = System.currentTimeMillis() + SAFETY_RELOAD_MS;
    private boolean stale;
    private Thread thread;

    private ReplicaSync(ChangeLog log, ReplicaSettings settings, Map<String, Consumer<Change>> handlers,
                        Runnable fullReload, long startId) {
        this.log = log;
        this.settings = settings;
        this.handlers = Map.copyOf(handlers);
        this.fullReload = fullReload;
        this.lastId = startId;
        this.listenWanted = settings.listen().orElse(!log.transactionPooler());
        this.mode = log.shared() ? (listenWanted ? Mode.LISTEN : Mode.POLL) : Mode.SINGLE;
    }

    /**
     * Starts following (nothing to follow on SQLite).
     *
     * @param startId the newest change id read before this replica loaded its state
     */
    public static ReplicaSync start(ChangeLog log, ReplicaSettings settings, Map<String, Consumer<Change>> handlers,
                                    Runnable fullReload, long startId) {
        ReplicaSync sync = new ReplicaSync(log, settings, handlers, fullReload, startId);
        if (sync.mode != Mode.SINGLE) {
            if (!sync.listenWanted) {
                LOG.log(System.Logger.Level.INFO, "Replica " + log.origin() + " follows changes by polling every "
                        + settings.poll().toSeconds() + " s (" + (settings.listen().isPresent()
                        ? "REPLICA_LISTEN=false" : "a transaction pooler cannot LISTEN") + ")");
            }
            sync.thread = Thread.ofPlatform().daemon().name("replica-sync").start(sync::run);
        }
        return sync;
    }

    private void run() {
        boolean lostContact = false;
        long listenAgainAt = 0;
        while (running) {
            if (listenWanted && System.currentTimeMillis() >= listenAgainAt) {
                listen(lostContact);
                lostContact = true;
                listenAgainAt = System.currentTimeMillis() + RECONNECT_MS;
                if (!running) {
                    return;
                }
                mode = Mode.POLL;
            }
            boolean ok = poll();
            if (ok && (lostContact && !listenWanted || System.currentTimeMillis() >= nextSafetyReload)) {
                reloadAll();
            }
            lostContact = !ok || lostContact && listenWanted;
            checkStale();
            pause(settings.poll().toMillis());
        }
    }

    /** One listening session; returns when the connection failed or the replica stops. */
    private void listen(boolean reconnect) {
        try (ChangeListener l = log.listen()) {
            listener = l;
            drain(l);
            if (reconnect) {
                reloadAll();
            }
            mode = Mode.LISTEN;
            confirmedAtMs = System.currentTimeMillis();
            LOG.log(System.Logger.Level.INFO, "Replica " + log.origin() + " follows changes by LISTEN on channel "
                    + log.channel() + (reconnect ? " (reconnected; state re-read)" : ""));
            long nextBeat = System.currentTimeMillis() + settings.heartbeat().toMillis();
            while (running) {
                long wait = Math.min(1_000, Math.max(1, nextBeat - System.currentTimeMillis()));
                if (l.await(java.time.Duration.ofMillis(wait)) > 0) {
                    drain(l);
                    confirmedAtMs = System.currentTimeMillis();
                }
                if (System.currentTimeMillis() >= nextBeat) {
                    if (l.latestId() > lastId) {
                        drain(l); // a notification that never arrived
                    }
                    confirmedAtMs = System.currentTimeMillis();
                    nextBeat = confirmedAtMs + settings.heartbeat().toMillis();
                    if (confirmedAtMs >= nextSafetyReload) {
                        reloadAll();
                    }
                }
                checkStale();
            }
        } catch (SQLException | RuntimeException e) {
            if (running) {
                LOG.log(System.Logger.Level.WARNING, "Change listener unavailable (" + describe(e) + "); polling every "
                        + settings.poll().toSeconds() + " s and reconnecting every " + RECONNECT_MS / 1000 + " s");
            }
        } finally {
            listener = null;
        }
    }

    private void drain(ChangeListener l) throws SQLException {
        for (List<Change> batch = l.since(lastId, BATCH); !batch.isEmpty(); batch = l.since(lastId, BATCH)) {
            apply(batch);
        }
    }

    /** The cheap version check: one index lookup, the changes themselves only when there are new ones. */
    private boolean poll() {
        try {
            if (log.latestId() > lastId) {
                for (List<Change> batch = log.since(lastId, BATCH); !batch.isEmpty(); batch = log.since(lastId, BATCH)) {
                    apply(batch);
                }
            }
            confirmedAtMs = System.currentTimeMillis();
            return true;
        } catch (RuntimeException e) {
            if (!stale) {
                LOG.log(System.Logger.Level.DEBUG, "change poll failed: " + describe(e));
            }
            return false;
        }
    }

    private void apply(List<Change> batch) {
        for (Change c : batch) {
            lastId = c.id();
            if (!c.origin().equals(log.origin())) {
                Consumer<Change> h = handlers.get(c.topic());
                if (h != null) {
                    try {
                        h.accept(c);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "could not apply a " + c.topic() + " change from "
                                + c.origin() + ": " + describe(e));
                    }
                }
                long now = System.currentTimeMillis();
                LOG.log(c.topic().equals(Change.COOLDOWN) ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
                        "Applied " + c.topic() + " change " + c.id() + " from replica " + c.origin() + " ("
                                + (now - c.atMs()) + " ms after it was written)");
                lastChange = c;
                lastAppliedAtMs = now;
                applied.incrementAndGet();
            }
        }
    }

    private void reloadAll() {
        nextSafetyReload = System.currentTimeMillis() + SAFETY_RELOAD_MS;
        try {
            fullReload.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "re-reading the shared state failed: " + describe(e));
        }
    }

    private void checkStale() {
        long age = System.currentTimeMillis() - confirmedAtMs;
        if (!stale && age > settings.staleAfter().toMillis()) {
            stale = true;
            LOG.log(System.Logger.Level.WARNING, "Replica " + log.origin() + " cannot confirm the shared state for "
                    + age / 1000 + " s (database unreachable); it keeps serving its last view, see /status");
        } else if (stale && age <= settings.staleAfter().toMillis()) {
            stale = false;
            LOG.log(System.Logger.Level.INFO, "Replica " + log.origin() + " is in step with the database again");
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms); // the poll interval itself: nothing else to wait on
        } catch (InterruptedException e) {
            running = false;
        }
    }

    private static String describe(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof SQLException)) {
            t = t.getCause();
        }
        String state = t instanceof SQLException s && s.getSQLState() != null ? ", SQLState " + s.getSQLState() : "";
        return e.getClass().getSimpleName() + state;
    }

    public Mode mode() {
        return mode;
    }

    /** How old the replica's view may be: time since the database last confirmed it. */
    public long viewAgeMs() {
        return mode == Mode.SINGLE ? 0 : System.currentTimeMillis() - confirmedAtMs;
    }

    /** The {@code replica} block of {@code /status}. */
    public ObjectNode status() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", log.origin());
        o.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        if (mode == Mode.SINGLE) {
            return o;
        }
        long age = viewAgeMs();
        o.put("channel", log.channel());
        o.put("pollSeconds", settings.poll().toSeconds());
        o.put("confirmedAt", Instant.ofEpochMilli(confirmedAtMs).toString());
        o.put("viewAgeMs", age);
        o.put("stale", age > settings.staleAfter().toMillis());
        o.put("changesApplied", applied.get());
        Change c = lastChange;
        if (c != null) {
            o.putObject("lastChange").put("id", c.id()).put("topic", c.topic()).put("origin", c.origin())
                    .put("writtenAt", Instant.ofEpochMilli(c.atMs()).toString())
                    .put("appliedAt", Instant.ofEpochMilli(lastAppliedAtMs).toString())
                    .put("delayMs", lastAppliedAtMs - c.atMs());
        }
        return o;
    }

    @Override
    public void close() {
        running = false;
        ChangeListener l = listener;
        if (l != null) {
            l.close(); // unblocks a wait for notifications
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
