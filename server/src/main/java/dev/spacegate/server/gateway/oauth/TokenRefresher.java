package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Refreshes auth-file tokens ahead of expiry on a timer and on demand: single flight per file, exclusive across
 * replicas through a {@link RefreshLock}, backing off after failures, setting a file aside when its refresh token
 * is rejected.
 */
public final class TokenRefresher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TokenRefresher.class.getName());
    private static final Duration FAILURE_BACKOFF = Duration.ofMinutes(5);
    private static final Duration INEFFECTIVE_BACKOFF = Duration.ofSeconds(30);

    private final AuthFileRegistry registry;
    private final AuthFileStore store;
    private final RefreshLock lock;
    private final TokenGrants grants;
    private final Map<String, CompletableFuture<Boolean>> inflight = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("auth-refresh").factory());
    private volatile Consumer<String> onNeedsLogin = name -> { };
    private Periodic refreshing;
    private Periodic reloading;

    /** A scheduled periodic task and its period. */
    private record Periodic(ScheduledFuture<?> task, Duration every) {
    }

    TokenRefresher(AuthFileRegistry registry, AuthFileStore store, RefreshLock lock, TokenGrants grants) {
        this.registry = registry;
        this.store = store;
        this.lock = lock;
        this.grants = grants;
    }

    /** Called with the file name when a refresh token is rejected, so other replicas stop using it too. */
    public void onNeedsLogin(Consumer<String> listener) {
        this.onNeedsLogin = listener;
    }

    /** Whether a file's token should be refreshed at {@code now} (its provider's lead time before expiry). */
    static boolean due(AuthFile f, Instant now) {
        Optional<OAuthProvider> p = f.provider();
        if (p.isEmpty() || f.refreshToken() == null || f.refreshToken().isBlank()) {
            return false;
        }
        Optional<Instant> exp = f.expiry();
        if (exp.isPresent()) {
            return !exp.get().minus(p.get().lead()).isAfter(now);
        }
        return f.lastRefresh().map(t -> !t.plus(p.get().lead()).isAfter(now)).orElse(false);
    }

    /** Runs one pass of the scheduler: refreshes every usable auth file that is due; waits for them. */
    public int refreshDue() {
        List<CompletableFuture<Boolean>> running = new ArrayList<>();
        Instant now = registry.clock().instant();
        for (AuthFileState a : registry.all()) {
            AuthFile f = a.file;
            if (!a.usable() || now.isBefore(a.nextRefreshAttempt) || !due(f, now)) {
                continue;
            }
            String used = f.accessToken();
            running.add(CompletableFuture.supplyAsync(() -> refresh(a, used, false), workers));
        }
        running.forEach(CompletableFuture::join);
        return running.size();
    }

    /**
     * Runs the refresh check every {@code every} and a re-read of the store every {@code reloadEvery} (so replicas
     * pick up files another replica added, changed or deleted). Called again with another period, it reschedules that
     * task, so the config's {@code auth-refresh-check-seconds} and {@code auth-reload-seconds} apply without a restart.
     */
    public synchronized void schedule(Duration every, Duration reloadEvery) {
        refreshing = periodic(refreshing, every, "auth refresh pass", this::refreshDue);
        reloading = periodic(reloading, reloadEvery, "auth store re-read", store::load);
    }

    /** {@code running} when it already has this period, else {@code job} scheduled anew (and {@code running} ended). */
    private Periodic periodic(Periodic running, Duration every, String what, Runnable job) {
        if (running != null && running.every().equals(every)) {
            return running;
        }
        if (running != null) {
            running.task().cancel(false);
        }
        ScheduledFuture<?> task = timer.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, what + " failed: " + e.getClass().getSimpleName());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return new Periodic(task, every);
    }

    /**
     * Refreshes one auth file (single flight: concurrent callers share one attempt). {@code usedToken} is the token
     * the caller saw; when the store already holds another, that one is adopted instead of calling the provider.
     */
    boolean refresh(AuthFileState a, String usedToken, boolean force) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inflight.putIfAbsent(a.name, mine);
        if (running != null) {
            return running.join();
        }
        try {
            String index = a.file.authIndex(registry.authDir());
            boolean ok = lock.withLock(index, () -> refreshLocked(a, usedToken, force));
            mine.complete(ok);
            return ok;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "refresh of auth file " + a.name + " failed: "
                    + e.getClass().getSimpleName());
            mine.complete(false);
            return false;
        } finally {
            inflight.remove(a.name, mine);
        }
    }

    private boolean refreshLocked(AuthFileState a, String usedToken, boolean force) {
        AuthFile stored = store.reread(a);
        if (stored == null) {
            return false;
        }
        if (stored.accessToken() != null && !stored.accessToken().equals(usedToken)) {
            // another thread or replica refreshed while we waited for the lock
            a.markActive();
            return true;
        }
        if (!force && !due(stored, registry.clock().instant())) {
            return true;
        }
        OAuthProvider p = stored.provider().orElse(null);
        if (p == null || stored.refreshToken() == null || stored.refreshToken().isBlank()) {
            return false;
        }
        a.status = "refreshing";
        TokenClient.Result r = grants.refresh(p, stored);
        if (r.ok()) {
            return adopt(a, stored, p, r);
        }
        if (r.invalidGrant()) {
            return rejected(a, stored);
        }
        a.status = "error";
        a.statusMessage = r.status() == 0 ? "token endpoint not reachable" : "token refresh failed with HTTP "
                + r.status();
        a.nextRefreshAttempt = registry.clock().instant().plus(FAILURE_BACKOFF);
        LOG.log(System.Logger.Level.WARNING, "refresh of auth file " + a.name + ": " + a.statusMessage);
        return false;
    }

    /** Stores the refreshed tokens. */
    private boolean adopt(AuthFileState a, AuthFile stored, OAuthProvider p, TokenClient.Result r) {
        AuthFile next = TokenGrants.withTokens(stored, p, r.body(), registry.clock().instant());
        if (next == null) {
            return false;
        }
        store.write(a, next);
        a.markActive();
        if (due(next, registry.clock().instant())) {
            a.nextRefreshAttempt = registry.clock().instant().plus(INEFFECTIVE_BACKOFF);
        }
        LOG.log(System.Logger.Level.INFO, "refreshed the token of auth file " + a.name);
        return true;
    }

    /** The provider rejected the refresh token (invalid_grant): set the file aside unless the store has a newer one. */
    private boolean rejected(AuthFileState a, AuthFile stored) {
        // another replica may have rotated the refresh token a moment ago: trust the store before giving up
        AuthFile again = store.reread(a);
        if (again != null && again.refreshToken() != null && !again.refreshToken().equals(stored.refreshToken())) {
            a.markActive();
            return true;
        }
        a.setAside("the refresh token was rejected (invalid_grant); log in again");
        LOG.log(System.Logger.Level.WARNING, "auth file " + a.name + " needs a new login (invalid_grant)");
        registry.reindex();
        onNeedsLogin.accept(a.name);
        return false;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
