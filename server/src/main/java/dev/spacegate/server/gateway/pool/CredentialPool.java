package dev.spacegate.server.gateway.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Orders credentials for a request (priority tiers, then the strategy) and keeps their cooldowns.
 *
 * <p>Cooldown state is keyed by {@code auth_index} and upstream model, so it survives config reloads
 * and, through the {@link CooldownStore}, restarts.
 */
public final class CredentialPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CredentialPool.class.getName());
    /** Bounds per-model maps: clients choose model names, and wildcard credentials accept any of them. */
    private static final int MAX_KEYS = 4096;

    private final Clock clock;
    private final CooldownStore store;
    private final Map<String, CooldownState> states = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> cursors = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> wrrCredits = new ConcurrentHashMap<>();
    private final ReentrantLock wrrLock = new ReentrantLock();
    private final ExecutorService saver = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("cooldown-save")
            .factory());
    private final AtomicBoolean savePending = new AtomicBoolean();
    private volatile Watcher watcher;
    /** Cooldowns another replica learned: a success here may have started before it, so it is not announced. */
    private final java.util.Set<String> adopted = ConcurrentHashMap.newKeySet();

    /** Told of the cooldowns this pool learns or clears itself (never of adopted ones), to share them. */
    public interface Watcher {
        void learned(CooldownState state);

        /** {@code model} null: every cooldown of the credential. */
        void cleared(String authIndex, String model);
    }

    public CredentialPool(CooldownStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        try {
            Instant now = clock.instant();
            for (CooldownState s : store.load()) {
                if (s.nextRetryAt().isAfter(now)) {
                    states.put(s.key(), s);
                }
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cooldown state could not be loaded: " + e.getClass().getSimpleName());
        }
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * The available candidates in the order to try them: highest priority tier first, each tier ordered by
     * the strategy (the cursor of {@code key} advances once per call), cooling candidates left out.
     */
    public List<Candidate> order(String key, List<Candidate> candidates, Strategy strategy) {
        Instant now = clock.instant();
        TreeMap<Integer, List<Candidate>> tiers = new TreeMap<>(Comparator.reverseOrder());
        for (Candidate c : candidates) {
            if (!isCooling(c, now)) {
                tiers.computeIfAbsent(c.credential().priority(), p -> new ArrayList<>()).add(c);
            }
        }
        List<Candidate> out = new ArrayList<>(candidates.size());
        boolean first = true;
        for (List<Candidate> tier : tiers.values()) {
            tier.sort(Comparator.comparing((Candidate c) -> c.credential().authIndex())
                    .thenComparing(Candidate::upstreamModel));
            out.addAll(first ? arrange(key, tier, strategy) : tier);
            first = false;
        }
        return out;
    }

    private List<Candidate> arrange(String key, List<Candidate> tier, Strategy strategy) {
        if (tier.size() < 2) {
            return tier;
        }
        return switch (strategy) {
            case FILL_FIRST -> tier;
            case ROUND_ROBIN -> {
                if (cursors.size() > MAX_KEYS) {
                    cursors.clear();
                }
                int start = (int) Math.floorMod(cursors.computeIfAbsent(key, k -> new AtomicLong())
                        .getAndIncrement(), (long) tier.size());
                List<Candidate> r = new ArrayList<>(tier.size());
                for (int i = 0; i < tier.size(); i++) {
                    r.add(tier.get((start + i) % tier.size()));
                }
                yield r;
            }
            case WEIGHTED_ROUND_ROBIN -> weighted(key, tier);
        };
    }

    /** Smooth weighted round-robin: the pick goes first, the rest follow in tier order; weight 0 goes last. */
    private List<Candidate> weighted(String key, List<Candidate> tier) {
        wrrLock.lock();
        try {
            if (wrrCredits.size() > MAX_KEYS) {
                wrrCredits.clear();
            }
            Map<String, Long> credits = wrrCredits.computeIfAbsent(key, k -> new HashMap<>());
            long total = 0;
            Candidate best = null;
            long bestCredit = Long.MIN_VALUE;
            for (Candidate c : tier) {
                int w = c.credential().weight();
                if (w <= 0) {
                    continue;
                }
                total += w;
                long credit = credits.getOrDefault(c.stateKey(), 0L) + w;
                credits.put(c.stateKey(), credit);
                if (credit > bestCredit) {
                    bestCredit = credit;
                    best = c;
                }
            }
            List<Candidate> r = new ArrayList<>(tier.size());
            if (best != null) {
                credits.put(best.stateKey(), bestCredit - total);
                r.add(best);
            }
            for (Candidate c : tier) {
                if (c != best && c.credential().weight() > 0) {
                    r.add(c);
                }
            }
            for (Candidate c : tier) {
                if (c.credential().weight() <= 0) {
                    r.add(c);
                }
            }
            return r;
        } finally {
            wrrLock.unlock();
        }
    }

    public boolean isCooling(Candidate c) {
        return isCooling(c, clock.instant());
    }

    private boolean isCooling(Candidate c, Instant now) {
        CooldownState s = states.get(c.stateKey());
        return s != null && s.nextRetryAt().isAfter(now);
    }

    /** When the earliest of these candidates leaves its cooldown, if any is cooling. */
    public Optional<Instant> earliestRecovery(List<Candidate> candidates) {
        Instant now = clock.instant();
        Instant best = null;
        for (Candidate c : candidates) {
            CooldownState s = states.get(c.stateKey());
            if (s != null && s.nextRetryAt().isAfter(now) && (best == null || s.nextRetryAt().isBefore(best))) {
                best = s.nextRetryAt();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Records an upstream failure and returns the rule that applied.
     *
     * @param retryAfter the upstream's {@code Retry-After}, or null
     * @param cooling    false when {@code disable-cooling} applies to this credential
     */
    public CooldownRules.Rule markFailure(Candidate c, int status, String bodyCode, Duration retryAfter,
                                          boolean cooling, Duration transientCooldown) {
        return markFailure(c, CooldownRules.ruleFor(status, bodyCode), status, retryAfter, cooling, transientCooldown);
    }

    /** Applies a rule already chosen for this failure (the table's, or one a request-scoped-errors rule made). */
    public CooldownRules.Rule markFailure(Candidate c, CooldownRules.Rule rule, int status, Duration retryAfter,
                                          boolean cooling, Duration transientCooldown) {
        if (!cooling || rule.kind() == CooldownRules.Kind.REQUEST_FAULT || rule.kind() == CooldownRules.Kind.NONE) {
            return rule;
        }
        Instant now = clock.instant();
        CooldownState prev = states.get(c.stateKey());
        int level = 0;
        Duration d = switch (rule.kind()) {
            case FIXED -> rule.fixed();
            case TRANSIENT -> transientCooldown;
            case QUOTA -> {
                if (prev != null && "quota".equals(prev.reason())) {
                    // escalate at most once per open window
                    level = prev.nextRetryAt().isAfter(now) ? prev.backoffLevel() : prev.backoffLevel() + 1;
                }
                yield retryAfter != null ? retryAfter : CooldownRules.quotaBackoff(level);
            }
            case REQUEST_FAULT, NONE -> Duration.ZERO;
        };
        if (d.isZero() || d.isNegative()) {
            return rule;
        }
        if (states.size() > MAX_KEYS) {
            // expired entries only remember a 429 backoff level; dropping them just restarts it at 1 s
            states.values().removeIf(x -> !x.nextRetryAt().isAfter(now));
            adopted.retainAll(states.keySet());
        }
        CooldownState learned = new CooldownState(c.credential().authIndex(), c.upstreamModel(), now.plus(d),
                rule.reason(), status, level);
        states.put(c.stateKey(), learned);
        adopted.remove(c.stateKey());
        scheduleSave();
        Watcher w = watcher;
        if (w != null) {
            w.learned(learned);
        }
        return rule;
    }

    /** A success clears the candidate's cooldown and 429 backoff. */
    public void markSuccess(Candidate c) {
        if (states.remove(c.stateKey()) != null) {
            scheduleSave();
            Watcher w = watcher;
            if (w != null && !adopted.remove(c.stateKey())) {
                w.cleared(c.credential().authIndex(), c.upstreamModel());
            }
        }
    }

    /** Clears every cooldown of one credential ({@code reset-quota}). */
    public void reset(String authIndex) {
        if (states.values().removeIf(s -> s.authIndex().equals(authIndex))) {
            adopted.removeIf(k -> k.startsWith(authIndex + "|"));
            scheduleSave();
            Watcher w = watcher;
            if (w != null) {
                w.cleared(authIndex, null);
            }
        }
    }

    public void watch(Watcher w) {
        this.watcher = w;
    }

    /** A cooldown another replica learned; kept unless this pool already knows a later one for the same key. */
    public void adopt(CooldownState s) {
        if (states.merge(s.key(), s, (mine, theirs) -> theirs.nextRetryAt().isAfter(mine.nextRetryAt()) ? theirs
                : mine) == s) {
            adopted.add(s.key());
        }
    }

    /** A cooldown another replica cleared ({@code model} null: every cooldown of the credential). */
    public void release(String authIndex, String model) {
        if (model == null) {
            states.values().removeIf(s -> s.authIndex().equals(authIndex));
            adopted.removeIf(k -> k.startsWith(authIndex + "|"));
        } else {
            states.remove(authIndex + "|" + model);
            adopted.remove(authIndex + "|" + model);
        }
    }

    /** The current cooldowns (including expired ones that still carry a 429 backoff level). */
    public List<CooldownState> snapshot() {
        return List.copyOf(states.values());
    }

    private void scheduleSave() {
        if (savePending.compareAndSet(false, true)) {
            saver.execute(this::saveNow);
        }
    }

    private void saveNow() {
        savePending.set(false);
        try {
            store.save(snapshot());
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cooldown state could not be saved: " + e.getClass().getSimpleName());
        }
    }

    /** Writes the state now and waits (shutdown, tests). */
    public void flush() {
        try {
            saver.submit(this::saveNow).get();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cooldown flush failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(15));
    }

    /** Saves the state, waiting at most {@code limit} (a database outage must not hold up a shutdown). */
    public void close(Duration limit) {
        try {
            saver.submit(this::saveNow).get(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "cooldown state not saved within the shutdown grace period");
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cooldown flush failed: " + e.getClass().getSimpleName());
        }
        saver.shutdownNow();
    }
}
