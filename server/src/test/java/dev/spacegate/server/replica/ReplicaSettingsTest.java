package dev.spacegate.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ReplicaSettingsTest {

    @Test
    void defaultsListenAutomaticallyAndPollEverySecond() {
        ReplicaSettings s = ReplicaSettings.fromEnv(Map.of());
        assertEquals(Optional.empty(), s.listen());
        assertEquals(Duration.ofSeconds(1), s.poll());
        assertEquals(Duration.ofSeconds(15), s.staleAfter());
    }

    @Test
    void listenCanBeForcedEitherWay() {
        assertEquals(Optional.of(false), ReplicaSettings.fromEnv(Map.of("REPLICA_LISTEN", "false")).listen());
        assertEquals(Optional.of(true), ReplicaSettings.fromEnv(Map.of("REPLICA_LISTEN", " TRUE ")).listen());
        assertEquals(Optional.empty(), ReplicaSettings.fromEnv(Map.of("REPLICA_LISTEN", "auto")).listen());
    }

    @Test
    void badValuesNameTheVariable() {
        for (Map<String, String> env : java.util.List.of(Map.of("REPLICA_LISTEN", "maybe"),
                Map.of("REPLICA_POLL_SECONDS", "6"), Map.of("REPLICA_POLL_SECONDS", "0"),
                Map.of("REPLICA_STALE_SECONDS", "soon"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReplicaSettings.fromEnv(env));
            assertTrue(e.getMessage().contains(env.keySet().iterator().next()), e.getMessage());
        }
    }
}
