package dev.spacegate.persistence.db;

/** The two database engines Spacegate speaks. */
public enum Engine {
    /** Embedded, one file in the data directory. */
    SQLITE("sqlite"),
    /** External, selected by PGSTORE_DSN. */
    POSTGRESQL("postgresql");

    private final String label;

    Engine(String label) {
        this.label = label;
    }

    /** Lower-case name for logs and health output. */
    public String label() {
        return label;
    }
}
