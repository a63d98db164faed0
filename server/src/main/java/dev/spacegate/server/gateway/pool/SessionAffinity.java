package dev.spacegate.server.gateway.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sticky sessions ({@code routing.session-affinity}): a client session keeps using the credential that last
 * served it, until the binding expires or that credential is cooling (then the next success rebinds).
 */
public final class SessionAffinity {
    private static final int MAX_BINDINGS = 100_000;

    private record Binding(String stateKey, Instant expires) {
    }

    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private final Clock clock;

    public SessionAffinity(Clock clock) {
        this.clock = clock;
    }

    /** Moves the session's bound candidate to the front when it is among the available ones. */
    public List<Candidate> prefer(String model, String session, List<Candidate> order) {
        Binding b = bindings.get(model + "|" + session);
        if (b == null || b.expires().isBefore(clock.instant())) {
            return order;
        }
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).stateKey().equals(b.stateKey())) {
                if (i == 0) {
                    return order;
                }
                Candidate bound = order.get(i);
                java.util.ArrayList<Candidate> out = new java.util.ArrayList<>(order.size());
                out.add(bound);
                for (Candidate c : order) {
                    if (c != bound) {
                        out.add(c);
                    }
                }
                return out;
            }
        }
        return order;
    }

    /** Binds the session to the candidate that just served it. */
    public void bind(String model, String session, Candidate served, Duration ttl) {
        if (bindings.size() >= MAX_BINDINGS) {
            Instant now = clock.instant();
            bindings.values().removeIf(x -> x.expires().isBefore(now));
            if (bindings.size() >= MAX_BINDINGS) {
                bindings.clear();
            }
        }
        bindings.put(model + "|" + session, new Binding(served.stateKey(), clock.instant().plus(ttl)));
    }
}
