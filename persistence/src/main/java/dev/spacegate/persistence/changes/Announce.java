package dev.spacegate.persistence.changes;

/** Publishes a change after the write it describes committed; a failure is logged, never fails that write. */
final class Announce {
    private static final System.Logger LOG = System.getLogger(Announce.class.getName());

    private Announce() {
    }

    static void after(ChangeLog log, String topic, String detail) {
        try {
            log.publish(topic, detail);
        } catch (RuntimeException e) {
            // the write itself succeeded; other replicas see it at their next full re-read
            LOG.log(System.Logger.Level.WARNING, "a " + topic + " change was saved but could not be announced to"
                    + " other replicas: " + e.getMessage());
        }
    }
}
