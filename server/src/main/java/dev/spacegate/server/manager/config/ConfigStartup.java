package dev.spacegate.server.manager.config;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.ConfigStore;
import dev.spacegate.persistence.store.ConfigVersion;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.web.Json;

/**
 * Decides which config document the server starts on, and never refuses to start over config: the local file seeds
 * an empty store only when it is valid; a stored document that fails validation (e.g. after an upgrade made a check
 * stricter) is set aside for the newest kept version that passes; {@code CONFIG_RESEED=1} replaces the stored
 * document by a valid file. What it found is kept as a {@link ConfigNotice} for the log, {@code /status} and the panel.
 */
final class ConfigStartup {
    private static final System.Logger LOG = System.getLogger(ConfigStartup.class.getName());

    /** The document to run, the stored version it stands for, and what start-up found. */
    record Result(ObjectNode document, long version, ConfigNotice notice) {
    }

    private final ConfigStore store;
    private final ConfigSeal seal;
    private final Function<ObjectNode, List<String>> problems;

    ConfigStartup(ConfigStore store, ConfigSeal seal, Function<ObjectNode, List<String>> problems) {
        this.store = store;
        this.seal = seal;
        this.problems = problems;
    }

    Result start(ConfigSeed seed) {
        List<String> seedProblems = !seed.unreadable().isEmpty() ? seed.unreadable()
                : seed.document().isEmpty() ? List.of() : problems.apply(seed.document());
        Optional<Versioned<String>> stored = store.load();
        if (stored.isEmpty()) {
            try {
                return seedEmptyStore(seed, seedProblems);
            } catch (PersistenceException e) {
                if (e.code() != PersistenceException.Code.VERSION_CONFLICT) {
                    throw e;
                }
                // a replica started at the same moment seeded the empty store first: run what it stored, as any
                // later start would (the store is no longer empty, so this does not come back here)
                return start(seed);
            }
        }
        Versioned<String> current = stored.get();
        if (seed.reseed()) {
            Optional<Result> reseeded = reseed(seed, seedProblems, current.version());
            if (reseeded.isPresent()) {
                return reseeded.get();
            }
        }
        ConfigNotice notice = ConfigNotice.NONE;
        Decoded d = decode(current.value());
        ObjectNode running = d.document();
        if (!d.problems().isEmpty()) {
            notice = fallBack(current.version(), d.problems());
            running = notice.running();
        } else if (seal.needsSealing(current.value())) {
            store.rewrite(current.version(), seal.encode(running)); // an older release stored the secrets in clear
        }
        if (!seed.document().isEmpty() && !seed.reseed() && d.document() != null
                && !seed.document().equals(d.document())) {
            notice = notice.withFileDiffers(seed.label(), seed.file());
            LOG.log(System.Logger.Level.WARNING, "The " + seed.label() + " differs from the stored config (version "
                    + current.version() + "), which is the one in use: the stored copy wins so that every replica"
                    + " runs the same config. To apply the file, restart once with CONFIG_RESEED=1, or send it with "
                    + ConfigNotice.applyCommand(seed.file()));
        }
        return new Result(running, current.version(), notice);
    }

    private Result seedEmptyStore(ConfigSeed seed, List<String> seedProblems) {
        if (!seedProblems.isEmpty()) {
            LOG.log(System.Logger.Level.ERROR, "CONFIG REJECTED: the " + seed.label() + " is not valid and was not"
                    + " stored: " + String.join("; ", seedProblems) + ". Spacegate starts with an empty config;"
                    + " fix the file and restart, or send a valid config with the management API.");
            return new Result(Json.MAPPER.createObjectNode(), 0,
                    ConfigNotice.seedRejected(seed.label(), seedProblems));
        }
        if (seed.document().isEmpty()) {
            return new Result(seed.document().deepCopy(), 0, ConfigNotice.NONE);
        }
        long version = store.save(seal.encode(seed.document()), 0, "seed", seed.label());
        LOG.log(System.Logger.Level.INFO, "Config store seeded from the " + seed.label());
        return new Result(seed.document().deepCopy(), version, ConfigNotice.NONE);
    }

    private Optional<Result> reseed(ConfigSeed seed, List<String> seedProblems, long storedVersion) {
        if (!seedProblems.isEmpty()) {
            LOG.log(System.Logger.Level.ERROR, "CONFIG_RESEED=1: the " + seed.label() + " is not valid, the stored"
                    + " config stays: " + String.join("; ", seedProblems));
            return Optional.empty();
        }
        if (seed.document().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "CONFIG_RESEED=1 is set but there is no config file (or it is"
                    + " empty); the stored config stays");
            return Optional.empty();
        }
        long version = store.save(seal.encode(seed.document()), storedVersion, "file", "CONFIG_RESEED from the "
                + seed.label());
        LOG.log(System.Logger.Level.WARNING, "CONFIG_RESEED=1: the stored config (version " + storedVersion
                + ") was replaced by the " + seed.label() + " (version " + version + "; the old one stays in the"
                + " config history). Remove CONFIG_RESEED so later starts keep changes made since.");
        return Optional.of(new Result(seed.document().deepCopy(), version, ConfigNotice.reseeded(version)));
    }

    /** The newest kept version older than {@code rejected} that passes, else an empty document. */
    private ConfigNotice fallBack(long rejected, List<String> why) {
        for (ConfigVersion v : store.history()) {
            if (v.version() >= rejected) {
                continue;
            }
            Optional<String> text = store.historyContent(v.version());
            Decoded d = text.map(this::decode).orElse(null);
            if (d != null && d.problems().isEmpty()) {
                LOG.log(System.Logger.Level.ERROR, "CONFIG REJECTED: the stored config (version " + rejected
                        + ") does not pass validation: " + String.join("; ", why) + ". Serving the last version"
                        + " that passes (version " + v.version() + ") instead. Fix it with PUT"
                        + " /v0/management/config.yaml, roll back with POST /v0/management/config/restore, or"
                        + " restart with a valid config file and CONFIG_RESEED=1.");
                return ConfigNotice.fallBack(rejected, why, v.version(), d.document());
            }
        }
        LOG.log(System.Logger.Level.ERROR, "CONFIG REJECTED: the stored config (version " + rejected + ") does not"
                + " pass validation: " + String.join("; ", why) + ". No kept version passes either: serving an"
                + " empty config. Fix it with PUT /v0/management/config.yaml or restart with a valid config file"
                + " and CONFIG_RESEED=1.");
        return ConfigNotice.fallBack(rejected, why, 0, null);
    }

    /** A stored text as a document and its problems (unreadable text and unopenable seals count as problems). */
    private Decoded decode(String text) {
        ObjectNode doc;
        try {
            doc = seal.decode(text);
        } catch (ServerConfig.InvalidConfigException e) {
            return new Decoded(null, List.of(e.getMessage()));
        } catch (PersistenceException e) {
            return new Decoded(null, List.of("a sealed value cannot be opened with the configured data keys ("
                    + e.code() + ")"));
        }
        return new Decoded(doc, problems.apply(doc.deepCopy()));
    }

    private record Decoded(ObjectNode document, List<String> problems) {
    }
}
