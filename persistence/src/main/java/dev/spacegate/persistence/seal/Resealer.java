package dev.spacegate.persistence.seal;

import dev.spacegate.persistence.PersistenceException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Re-seals every registered sealed value under the current data key in the background, right after start (not only
 * when a value is next read), so {@code DATA_KEY_PREVIOUS} can be removed at the end of a rotation window. Each pass
 * opens every value once: a value that cannot be opened (unknown key id, broken seal) is reported, which makes
 * {@code /health} say the store is degraded. {@link #status()} counts what is still sealed under other keys.
 */
public final class Resealer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Resealer.class.getName());
    private static final Duration RETRY = Duration.ofSeconds(30);

    /** What a pass found: values not yet under the current key, by key id, and values that could not be opened. */
    public record Status(String currentKeyId, Map<String, Integer> pending, List<String> unreadable, String state) {
        /** Values still sealed under an older key, all key ids together. */
        public int pendingTotal() {
            return pending.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** True when every value opened in the last pass. */
        public boolean healthy() {
            return unreadable.isEmpty() && !state.equals("failed");
        }
    }

    private final SecretBox box;
    private final List<SealedValues> sources = new CopyOnWriteArrayList<>();
    private volatile List<String> unreadable = List.of();
    private volatile String state = "idle";
    private volatile Thread worker;

    public Resealer(SecretBox box) {
        this.box = box;
    }

    /** Adds a kind of sealed value; call before {@link #start()} (a later one is covered by the next pass). */
    public void register(SealedValues values) {
        sources.add(values);
    }

    /** Starts the background pass once; later calls do nothing. */
    public synchronized void start() {
        if (worker == null) {
            worker = Thread.ofPlatform().daemon().name("data-key-reseal").start(this::runUntilDone);
        }
    }

    private void runUntilDone() {
        while (!Thread.currentThread().isInterrupted()) {
            if (pass()) {
                return;
            }
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass over every value; false when a store could not be read at all (the pass is retried later). */
    public boolean pass() {
        state = "running";
        List<String> problems = new ArrayList<>();
        int resealed = 0;
        try {
            for (SealedValues source : sources) {
                for (Map.Entry<String, String> e : source.keyIds().entrySet()) {
                    String where = source.kind() + " " + e.getKey();
                    if (!box.knows(e.getValue())) {
                        problems.add(where + ": sealed with data key id " + e.getValue() + ", which is not configured");
                        continue;
                    }
                    try {
                        source.reseal(e.getKey());
                        resealed += e.getValue().equals(box.currentKeyId()) ? 0 : 1;
                    } catch (PersistenceException ex) {
                        problems.add(where + ": " + ex.code());
                    }
                }
            }
        } catch (PersistenceException e) {
            state = "failed";
            LOG.log(System.Logger.Level.WARNING, "Re-sealing pass could not read a store (" + e.code()
                    + "); retrying in " + RETRY.toSeconds() + " s");
            return false;
        }
        unreadable = List.copyOf(problems);
        state = "done";
        if (resealed > 0) {
            LOG.log(System.Logger.Level.INFO, "Re-sealed " + resealed + " values under data key id "
                    + box.currentKeyId());
        }
        problems.forEach(p -> LOG.log(System.Logger.Level.WARNING, "Sealed value cannot be opened: " + p));
        return true;
    }

    /** Values the last pass could not open (cheap: reads nothing; for {@code /health}, which anyone may call). */
    public List<String> unreadable() {
        return unreadable;
    }

    /** True unless the last pass found a value it could not open or could not read a store. */
    public boolean healthy() {
        return unreadable.isEmpty() && !state.equals("failed");
    }

    /** Counts values by key id now (cheap: reads key ids, opens nothing) with the last pass's problems. */
    public Status status() {
        Map<String, Integer> pending = new TreeMap<>();
        for (SealedValues source : sources) {
            for (String keyId : source.keyIds().values()) {
                if (!keyId.equals(box.currentKeyId())) {
                    pending.merge(keyId, 1, Integer::sum);
                }
            }
        }
        return new Status(box.currentKeyId(), pending, unreadable, state);
    }

    @Override
    public void close() {
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
    }
}
